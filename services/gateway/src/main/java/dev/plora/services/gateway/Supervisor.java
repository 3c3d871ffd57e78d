package dev.plora.services.gateway;

import dev.plora.jobs.StageDeadlines;
import dev.plora.services.support.KafkaClientConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.jboss.logging.Logger;

/**
 * The stage supervision's clock: once a second it asks the orchestrator which stages are past their
 * deadline and has them re-issued or given up. Silence means a dead worker only while the gateway
 * itself can reach the broker: before acting it checks that, and after an outage every deadline
 * starts over (the workers' heartbeats could not arrive meanwhile).
 */
@ApplicationScoped
public class Supervisor {
  private static final Logger LOG = Logger.getLogger(Supervisor.class);

  @Inject JobOrchestrator jobs;

  @Inject KafkaClientConfig kafka;

  private ScheduledExecutorService clock;
  private Admin admin;
  private boolean outage;

  void onStart(@Observes StartupEvent e) {
    admin = kafka.admin(5000);
    clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "plora-supervisor");
              t.setDaemon(true);
              return t;
            });
    clock.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    clock.scheduleWithFixedDelay(this::retention, 1, 60, TimeUnit.SECONDS);
  }

  void onStop(@Observes ShutdownEvent e) {
    clock.shutdownNow();
    admin.close();
  }

  void tick() {
    try {
      List<StageDeadlines.Expired> expired = jobs.expired();
      if (expired.isEmpty() && !outage) {
        return;
      }
      if (!brokerReachable()) {
        if (!outage) {
          LOG.warnf("the broker is unreachable; stage deadlines are on hold until it is back");
        }
        outage = true;
        return;
      }
      if (outage) {
        outage = false;
        jobs.renewDeadlines();
        LOG.infof("the broker is reachable again; every stage deadline starts over");
        return;
      }
      expired.forEach(jobs::onExpired);
    } catch (RuntimeException ex) {
      LOG.errorf(ex, "stage supervision tick failed: %s", ex.getMessage());
    }
  }

  /** Deletes ended jobs past the retention (a no-op with the default, no retention). */
  void retention() {
    try {
      int n = jobs.applyRetention();
      if (n > 0) {
        LOG.infof("retention deleted %d ended job(s)", n);
      }
    } catch (RuntimeException ex) {
      LOG.errorf(ex, "job retention failed: %s", ex.getMessage());
    }
  }

  private boolean brokerReachable() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(5000))
          .nodes()
          .get(6, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
