package dev.plora.services.support;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds a secured service's start until the broker accepts its credentials, before the messaging
 * channels make their producers. An idempotent producer whose first connection fails authentication
 * stays stuck in initialisation and never sends again, even once the credentials exist
 * (KAFKA-20237, kafka-clients 4.1): a service started before its Kafka user was provisioned —
 * compose starting every container at once, a Strimzi KafkaUser still being reconciled — would run,
 * look ready, and hang every job whose output it must send. Waiting here (with the reason in the
 * log) avoids that. After {@code plora.kafka.login-wait} (default 10 minutes) the service stops
 * with the reason, for its supervisor to restart it.
 */
@ApplicationScoped
public class BrokerLogin {
  private static final Logger LOG = Logger.getLogger(BrokerLogin.class);
  private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  @Inject KafkaClientConfig kafka;

  @ConfigProperty(name = "plora.kafka.login-wait", defaultValue = "10m")
  Duration loginWait;

  /** Before SmallRye Reactive Messaging wires the channels (priority 1000). */
  void await(@Observes @Priority(500) StartupEvent e) {
    Object protocol = kafka.connection().getOrDefault("security.protocol", "PLAINTEXT");
    if (!String.valueOf(protocol).startsWith("SASL")) {
      return; // no login: nothing can be refused
    }
    long start = System.nanoTime();
    long deadline = start + loginWait.toNanos();
    long nextReport = start;
    boolean waited = false;
    try (Admin admin = kafka.admin(5000)) {
      while (true) {
        Throwable failure;
        try {
          admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
          if (waited) {
            LOG.infof(
                "the broker accepted this service's Kafka credentials after %.0f s",
                (System.nanoTime() - start) / 1e9);
          }
          return;
        } catch (ExecutionException ex) {
          failure = ex.getCause();
        } catch (java.util.concurrent.TimeoutException ex) {
          failure = ex;
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the Kafka login", ex);
        }
        String reason =
            failure instanceof AuthenticationException
                ? "the broker refuses this service's Kafka credentials (not provisioned yet?): "
                    + failure.getMessage()
                : "the broker does not answer: " + failure;
        long now = System.nanoTime();
        if (now >= deadline) {
          throw new IllegalStateException(
              "no Kafka login within " + loginWait + " (plora.kafka.login-wait); " + reason);
        }
        waited = true;
        if (now >= nextReport) {
          LOG.warnf("waiting to start: %s", reason);
          nextReport = now + REPORT_EVERY_NANOS;
        }
        sleep(1000);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka login", e);
    }
  }
}
