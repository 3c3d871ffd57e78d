package dev.plora.devbroker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

class StrimziUsersTest {
  private static final Path MANIFEST =
      Path.of(System.getProperty("plora.root", "../..")).resolve("deploy/base/kafka-users.yaml");

  @Test
  void theClustersKafkaUsersGrantWhatTheEmbeddedBrokerGrants() throws Exception {
    String expected = StrimziUsers.yaml("plora");
    if ("1".equals(System.getenv("PLORA_WRITE_MANIFESTS"))) {
      Files.writeString(MANIFEST, expected);
    }
    assertThat(Files.readString(MANIFEST))
        .as("deploy/base/kafka-users.yaml is out of date: rerun with PLORA_WRITE_MANIFESTS=1")
        .isEqualTo(expected);
  }

  @Test
  void noWorkerMayWriteJobStateOrTasksAndOnlyTheGatewayCreatesTopics() {
    MeshAcls.grants()
        .forEach(
            (principal, grants) -> {
              if (principal.equals("gateway")) {
                return;
              }
              assertThat(grants)
                  .as(principal)
                  .noneMatch(
                      g ->
                          g.operation() == AclOperation.WRITE
                              && (g.name().equals("plora.jobs.state")
                                  || g.name().startsWith("plora.tasks.")))
                  .noneMatch(g -> g.operation() == AclOperation.CREATE);
            });
  }

  @Test
  void operationsAreSpelledAsStrimziSpellsThem() {
    assertThat(StrimziUsers.operation(AclOperation.DESCRIBE_CONFIGS)).isEqualTo("DescribeConfigs");
    assertThat(StrimziUsers.operation(AclOperation.READ)).isEqualTo("Read");
  }
}
