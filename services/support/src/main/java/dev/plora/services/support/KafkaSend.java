package dev.plora.services.support;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sends keyed records through an emitter. {@link #sendAndWait} retries through broker outages until
 * {@code plora.kafka.send-timeout} (default 10 minutes): a valid task, state or outcome is never
 * dropped or dead-lettered because the broker was away for a while. Each try is bounded by the
 * producer's own {@code delivery.timeout.ms}; a record is re-sent only after the producer gave it
 * up, and every consumer tolerates the duplicate a re-send may cause.
 */
@ApplicationScoped
public class KafkaSend {
  private static final Logger LOG = Logger.getLogger(KafkaSend.class);

  @ConfigProperty(name = "plora.kafka.send-timeout", defaultValue = "10m")
  Duration sendTimeout;

  /**
   * Fire and forget (progress, heartbeats): a record the emitter cannot take now (the broker is
   * away and its buffer is full) is dropped, never thrown at the caller — training must not stop
   * for it.
   */
  public void send(Emitter<String> emitter, String key, String json) {
    try {
      emitter.send(keyed(key, json));
    } catch (RuntimeException e) {
      LOG.debugf("dropped a progress record for %s: %s", key, e.getMessage());
    }
  }

  /**
   * Sends and blocks until the broker acknowledged the record, so a consumer can commit the input
   * that caused it knowing the output is durable; retries while the broker is unreachable.
   *
   * @throws IllegalStateException when the broker did not take the record within the send timeout
   */
  public void sendAndWait(Emitter<String> emitter, String key, String json) {
    sendAndWait(emitter, key, json, sendTimeout);
  }

  /** As {@link #sendAndWait(Emitter, String, String)}, giving up after {@code limit}. */
  public void sendAndWait(Emitter<String> emitter, String key, String json, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    int tries = 0;
    while (true) {
      tries++;
      Throwable failure;
      try {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(
            keyed(key, json)
                .withAck(
                    () -> {
                      acked.complete(null);
                      return CompletableFuture.completedFuture(null);
                    })
                .withNack(
                    t -> {
                      acked.completeExceptionally(t);
                      return CompletableFuture.completedFuture(null);
                    }));
        long left = Math.max(1, deadline - System.nanoTime());
        acked.get(left, TimeUnit.NANOSECONDS);
        if (tries > 1) {
          LOG.infof("the broker took the record for %s after %d tries", key, tries);
        }
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sending the record for " + key, e);
      } catch (ExecutionException e) {
        failure = e.getCause();
      } catch (TimeoutException e) {
        failure = e;
      } catch (
          RuntimeException
              e) { // the emitter refused it (its buffer is full while the broker is away)
        failure = e;
      }
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            "the broker did not take the record for "
                + key
                + " within "
                + limit
                + " ("
                + tries
                + " tries): "
                + failure.getMessage(),
            failure);
      }
      LOG.warnf(
          "the broker did not take the record for %s (try %d: %s); retrying",
          key, tries, failure.getMessage());
      sleep(Math.min(5000, 500L * tries));
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to resend", e);
    }
  }

  private static Message<String> keyed(String key, String json) {
    return Message.of(json)
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }
}
