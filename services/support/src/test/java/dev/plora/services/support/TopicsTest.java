package dev.plora.services.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The topics the gateway creates and the ones Kubernetes declares (deploy/base/topics.yaml) must
 * not drift apart.
 */
class TopicsTest {
  @Test
  void theStrimziTopicsDeclareWhatTheGatewayCreates() throws Exception {
    Path yaml =
        Path.of(System.getProperty("user.dir"))
            .resolve("../../deploy/base/topics.yaml")
            .normalize();
    Map<String, String> declared = new TreeMap<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(yaml.toFile())) {
      while (docs.hasNext()) {
        JsonNode spec = docs.next().path("spec");
        Map<String, String> config = new TreeMap<>();
        spec.path("config")
            .fields()
            .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        declared.put(
            spec.path("topicName").asText(),
            spec.path("partitions").asInt() + "x" + spec.path("replicas").asInt() + " " + config);
      }
    }
    Map<String, String> created = new TreeMap<>();
    for (NewTopic t : Topics.definitions((short) 3)) { // the deployment's replication
      created.put(
          t.name(),
          t.numPartitions()
              + "x"
              + t.replicationFactor()
              + " "
              + new TreeMap<>(t.configs() == null ? new HashMap<>() : t.configs()));
    }
    assertThat(declared).isEqualTo(created).hasSize(9);
  }
}
