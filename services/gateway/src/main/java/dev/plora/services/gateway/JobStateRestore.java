package dev.plora.services.gateway;

import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.JobStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the compacted state topic from the beginning to its end: the job table as the gateway last
 * wrote it.
 */
final class JobStateRestore {
  private static final Logger LOG = Logger.getLogger(JobStateRestore.class);

  static Map<String, JobStatus> read(Map<String, Object> connection, String topic) {
    Properties p = new Properties();
    p.putAll(connection);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, JobStatus> jobs = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            jobs.remove(r.key());
            continue;
          }
          try {
            JobStatus s = ProtoJson.parseLenient(r.value(), JobStatus.newBuilder()).build();
            jobs.put(s.getJobId(), s);
          } catch (IllegalArgumentException e) {
            LOG.errorf(
                "skipping an unreadable job state record at %s-%d offset %d: %s",
                topic, r.partition(), r.offset(), e.getMessage());
          }
        }
      }
    }
    return jobs;
  }

  private JobStateRestore() {}
}
