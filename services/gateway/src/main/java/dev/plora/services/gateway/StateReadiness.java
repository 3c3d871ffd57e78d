package dev.plora.services.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the job table has been restored from the state topic. */
@Readiness
@ApplicationScoped
public class StateReadiness implements HealthCheck {
  @Inject JobOrchestrator jobs;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("plora job state restored").status(jobs.ready()).build();
  }
}
