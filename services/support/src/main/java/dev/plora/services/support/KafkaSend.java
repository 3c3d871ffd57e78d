package dev.plora.services.support;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Sends a keyed record through an emitter and, when asked, waits until the broker has it. */
public final class KafkaSend {
  private static final long TIMEOUT_SECONDS = 60;

  /** Fire and forget (progress). */
  public static void send(Emitter<String> emitter, String key, String json) {
    emitter.send(keyed(key, json));
  }

  /**
   * Sends and blocks until the broker acknowledged the record, so a consumer can commit the input
   * that caused it knowing the output is durable.
   */
  public static void sendAndWait(Emitter<String> emitter, String key, String json) {
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
    try {
      acked.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending the record for " + key, e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "the broker did not accept the record for " + key + ": " + e.getMessage(), e);
    }
  }

  private static Message<String> keyed(String key, String json) {
    return Message.of(json)
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }

  private KafkaSend() {}
}
