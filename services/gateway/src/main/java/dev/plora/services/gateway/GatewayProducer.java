package dev.plora.services.gateway;

import dev.plora.services.support.KafkaClientConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Everything the gateway writes to Kafka goes through one idempotent producer ({@code acks=all}):
 * tasks on the partition the {@link TaskRouter} chose, job state and its tombstones. {@link
 * #sendAll} sends a batch at once and waits for every acknowledgement, re-sending what failed until
 * {@code plora.kafka.send-timeout}: a broker outage delays the gateway, it never loses or
 * dead-letters a valid record.
 */
@ApplicationScoped
public class GatewayProducer {
  private static final Logger LOG = Logger.getLogger(GatewayProducer.class);

  @Inject KafkaClientConfig kafka;

  @ConfigProperty(name = "plora.kafka.send-timeout", defaultValue = "10m")
  Duration sendTimeout;

  private KafkaProducer<String, String> producer;

  void onStart(@Observes StartupEvent e) {
    Properties p = new Properties();
    p.putAll(kafka.connection());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "plora-gateway");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  void onStop(@Observes ShutdownEvent e) {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }

  /** Sends one record and waits for it (see {@link #sendAll}). */
  public RecordMetadata send(ProducerRecord<String, String> record) {
    return sendAll(List.of(record)).get(0);
  }

  /**
   * Sends the records together and returns once the broker acknowledged every one, in order. A
   * record the producer gave up on (the broker was away) is sent again until the send timeout.
   *
   * @throws GatewayUnavailableException when the broker did not take them within the send timeout
   */
  public List<RecordMetadata> sendAll(List<ProducerRecord<String, String>> records) {
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    List<RecordMetadata> acked = new ArrayList<>(records.size());
    records.forEach(r -> acked.add(null));
    int tries = 0;
    while (true) {
      tries++;
      List<Future<RecordMetadata>> pending = new ArrayList<>(records.size());
      Exception failure = null;
      for (int i = 0; i < records.size(); i++) {
        if (acked.get(i) != null) {
          pending.add(null);
          continue;
        }
        try {
          pending.add(producer.send(records.get(i)));
        } catch (RuntimeException ex) { // metadata not available in time: the broker is away
          pending.add(null);
          failure = ex;
        }
      }
      for (int i = 0; i < records.size(); i++) {
        if (pending.get(i) == null) {
          continue;
        }
        try {
          long left = Math.max(1, deadline - System.nanoTime());
          acked.set(i, pending.get(i).get(left, TimeUnit.NANOSECONDS));
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new GatewayUnavailableException("interrupted while sending to Kafka");
        } catch (ExecutionException | TimeoutException ex) {
          failure = ex;
        }
      }
      if (acked.stream().allMatch(m -> m != null)) {
        if (tries > 1) {
          LOG.infof("the broker took %d record(s) after %d tries", records.size(), tries);
        }
        return acked;
      }
      if (System.nanoTime() >= deadline) {
        throw new GatewayUnavailableException(
            "the broker did not take the records within "
                + sendTimeout
                + " ("
                + tries
                + " tries): "
                + (failure == null ? "no answer" : failure.getMessage()));
      }
      LOG.warnf(
          "the broker did not take every record (try %d: %s); retrying",
          tries, failure == null ? "no answer" : failure.getMessage());
      sleep(Math.min(5000, 500L * tries));
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayUnavailableException("interrupted while waiting to resend");
    }
  }
}
