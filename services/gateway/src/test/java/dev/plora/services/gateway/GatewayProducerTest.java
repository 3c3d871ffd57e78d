package dev.plora.services.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class GatewayProducerTest {
  private static MockProducer<String, String> manual() {
    return new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
  }

  private static GatewayProducer over(Deque<MockProducer<String, String>> producers) {
    GatewayProducer g = new GatewayProducer();
    g.sendTimeout = Duration.ofSeconds(20);
    g.factory = producers::removeFirst;
    return g;
  }

  @Test
  void aProducerRefusedAuthenticationIsReplacedAndTheRecordSentByTheNextOne() {
    MockProducer<String, String> refused = manual();
    MockProducer<String, String> fresh =
        new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    GatewayProducer g = over(new ArrayDeque<>(java.util.List.of(refused, fresh)));
    Thread broker =
        new Thread(
            () -> {
              while (refused.history().isEmpty()) {
                Thread.onSpinWait();
              }
              refused.errorNext(new SaslAuthenticationException("invalid credentials"));
            });
    broker.start();

    g.send(new ProducerRecord<>("plora.jobs.state", "job-1", "{}"));

    assertThat(refused.closed()).isTrue();
    assertThat(fresh.history()).extracting(ProducerRecord::key).containsExactly("job-1");
  }

  @Test
  void aProducerThatOnlyTimedOutIsKept() {
    MockProducer<String, String> slow = manual();
    GatewayProducer g = over(new ArrayDeque<>(java.util.List.of(slow)));
    Thread broker =
        new Thread(
            () -> {
              while (slow.history().isEmpty()) {
                Thread.onSpinWait();
              }
              slow.errorNext(new TimeoutException("expired"));
              while (slow.history().size() < 2) {
                Thread.onSpinWait();
              }
              slow.completeNext();
            });
    broker.start();

    g.send(new ProducerRecord<>("plora.jobs.state", "job-2", "{}"));

    assertThat(slow.closed()).isFalse();
    assertThat(slow.history()).hasSize(2);
  }
}
