package dev.plora.services.support;

import dev.plora.jobs.JobMachine;
import dev.plora.proto.v1.Stage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fault injection for the stack tests, off unless {@code plora.faults} ({@code PLORA_FAULTS}) names
 * faults — a comma-separated list of {@code KIND=STAGE[:ATTEMPT]}:
 *
 * <ul>
 *   <li>{@code exit-at=evaluate} — a worker halts its JVM when it starts that stage (a crash loop);
 *   <li>{@code drop-outcome=evaluate:1} — a worker does not publish that stage's outcome (a lost
 *       outcome);
 *   <li>{@code corrupt-task=train:1} — the gateway sends that stage's task as bytes no worker can
 *       decode (a dead-lettered task).
 * </ul>
 *
 * Without an attempt, the fault applies to every attempt. Never set in a real deployment; a service
 * with faults on says so in its log at start.
 */
@ApplicationScoped
public class Faults {
  private static final Logger LOG = Logger.getLogger(Faults.class);

  private final Map<String, String> faults = new HashMap<>();

  Faults() {}

  @jakarta.inject.Inject
  Faults(@ConfigProperty(name = "plora.faults") Optional<String> spec) {
    for (String part : spec.orElse("").split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length == 2) {
        faults.put(kv[0].trim(), kv[1].trim());
      }
    }
    if (!faults.isEmpty()) {
      LOG.warnf("TEST-ONLY FAULT INJECTION IS ON: %s", faults);
    }
  }

  public boolean exitAt(Stage stage, int attempt) {
    return matches("exit-at", stage, attempt);
  }

  public boolean dropOutcome(Stage stage, int attempt) {
    return matches("drop-outcome", stage, attempt);
  }

  public boolean corruptTask(Stage stage, int attempt) {
    return matches("corrupt-task", stage, attempt);
  }

  private boolean matches(String kind, Stage stage, int attempt) {
    String target = faults.get(kind);
    if (target == null) {
      return false;
    }
    String[] parts = target.split(":");
    return parts[0].equals(JobMachine.stageName(stage))
        && (parts.length == 1 || Integer.parseInt(parts[1]) == Math.max(1, attempt));
  }
}
