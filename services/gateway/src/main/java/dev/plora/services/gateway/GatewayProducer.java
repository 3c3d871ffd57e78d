package dev.plora.services.gateway;

import dev.plora.services.support.KafkaClientConfig;
import io.quarkus.runtime.ShutdownEvent;
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
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Everything the gateway writes to Kafka goes through one idempotent producer ({@code acks=all}):
 * tasks on the partition the {@link TaskRouter} chose, job state and its tombstones. {@link
 * #sendAll} sends a batch at once and waits for every acknowledgement, re-sending what failed until
 * {@code plora.kafka.send-timeout}: a broker outage delays the gateway, it never loses or
 * dead-letters a valid record.
 *
 * <p>A send that fails authentication replaces the producer before the next try: an idempotent
 * producer whose first connection failed SASL authentication (the gateway started before the broker
 * had its credentials, as when compose starts every container at once or a Strimzi KafkaUser is
 * still being reconciled) stays stuck in initialisation and never sends again, even once the
 * credentials exist (KAFKA-20237, kafka-clients 4.1). A fresh producer authenticates anew. For the
 * same reason the producer is made at the first send, not at start: by then the gateway is ready,
 * which needs its admin client to have authenticated (the job state restored).
 */
@ApplicationScoped
public class GatewayProducer {
  private static final Logger LOG = Logger.getLogger(GatewayProducer.class);

  @Inject KafkaClientConfig kafka;

  @ConfigProperty(name = "plora.kafka.send-timeout", defaultValue = "10m")
  Duration sendTimeout;

  private volatile Producer<String, String> producer;

  void onStop(@Observes ShutdownEvent e) {
    Producer<String, String> p = producer;
    if (p != null) {
      p.close(Duration.ofSeconds(10));
    }
  }

  private Producer<String, String> current() {
    Producer<String, String> p = producer;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (producer == null) {
        producer = factory.get();
      }
      return producer;
    }
  }

  /** Makes each producer; a test replaces it. */
  java.util.function.Supplier<Producer<String, String>> factory = this::newProducer;

  private Producer<String, String> newProducer() {
    Properties p = new Properties();
    p.putAll(kafka.connection());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "plora-gateway");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * Closes {@code failed} and puts a new producer in its place, unless another sender did so
   * already. Sends still in flight on the old producer fail and are retried on the new one.
   */
  private synchronized void replace(Producer<String, String> failed, Exception cause) {
    if (producer != failed) {
      return;
    }
    LOG.warnf(
        "the broker refused the gateway's credentials (%s); starting a new Kafka producer",
        cause.getMessage());
    producer = factory.get();
    failed.close(Duration.ZERO);
  }

  private static boolean isAuthenticationFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AuthenticationException) {
        return true;
      }
    }
    return false;
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
      Producer<String, String> current = current();
      List<Future<RecordMetadata>> pending = new ArrayList<>(records.size());
      Exception failure = null;
      Exception refusal = null; // authentication failed: this producer may be stuck for good
      for (int i = 0; i < records.size(); i++) {
        if (acked.get(i) != null) {
          pending.add(null);
          continue;
        }
        try {
          pending.add(current.send(records.get(i)));
        } catch (RuntimeException ex) { // metadata not available in time: the broker is away
          pending.add(null);
          failure = ex;
          refusal = isAuthenticationFailure(ex) ? ex : refusal;
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
          refusal = isAuthenticationFailure(ex) ? ex : refusal;
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
      if (refusal != null) {
        replace(current, refusal);
      }
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
