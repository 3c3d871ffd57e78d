package dev.plora.engine.violation.a;

import dev.plora.engine.violation.b.NeedsA;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A deliberate violation for {@code DeliberateViolationTest}: engine code using Kafka, in a package
 * cycle.
 */
public final class UsesKafka {
  public ProducerRecord<String, String> record(NeedsA other) {
    return new ProducerRecord<>("topic", other.toString());
  }
}
