package dev.plora.stack.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * One SCRAM-SHA-512 password per Kafka principal ({@code users/NAME.password}, owner-only), made
 * once and kept (delete a file and restart the stack to rotate that password), and the
 * configurations that use them: the JAAS line a service gets, and an operator's {@code
 * client.properties} (Java clients, kafka-console-*) and {@code kcat.conf}.
 */
public final class KafkaCredentials {
  /** The principals the dev broker grants rights to (its MeshAcls). */
  public static final List<String> PRINCIPALS =
      List.of("gateway", "mask-discovery", "trainer", "evaluator", "exporter", "operator");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path users;

  KafkaCredentials(Path users) {
    this.users = users;
  }

  /** The folder of password files (the dev broker's {@code --users}). */
  public Path users() {
    return users;
  }

  void ensure() {
    for (String p : PRINCIPALS) {
      Path f = users.resolve(p + ".password");
      if (!Files.isRegularFile(f)) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        SecretFiles.writeSecret(f, (password + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  public String password(String principal) {
    if (!PRINCIPALS.contains(principal)) {
      throw new IllegalArgumentException("no Kafka principal '" + principal + "'");
    }
    try {
      return Files.readString(users.resolve(principal + ".password")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the password of " + principal, e);
    }
  }

  /** {@code sasl.jaas.config} for a principal (the format Strimzi's KafkaUser secrets use too). */
  public String jaas(String principal) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + principal
        + "\" password=\""
        + password(principal)
        + "\";";
  }

  /**
   * An operator's Java client configuration ({@code --command-config} / {@code --consumer.config}).
   */
  String clientProperties(String bootstrap, Path caPem) {
    return String.join(
        "\n",
        "# plora operator credentials for the embedded broker (written by plora up; keep it private)",
        "bootstrap.servers=" + bootstrap,
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=" + jaas("operator"),
        "ssl.truststore.type=PEM",
        "ssl.truststore.location=" + caPem,
        "");
  }

  /**
   * A service's environment file ({@code PLORA_KAFKA_JAAS=...}) for {@code docker compose}'s {@code
   * env_file}: the containers get their own principal's password and no other.
   */
  String serviceEnv(String principal) {
    return "# "
        + principal
        + "'s Kafka credentials (written by plora init / plora up; keep it private)\n"
        + "PLORA_KAFKA_JAAS="
        + jaas(principal)
        + "\n";
  }

  /** The same for kcat ({@code kcat -F kcat.conf -L}). */
  String kcatConf(String bootstrap, Path caPem) {
    return String.join(
        "\n",
        "# plora operator credentials for the embedded broker (written by plora up; keep it private)",
        "bootstrap.servers=" + bootstrap,
        "security.protocol=SASL_SSL",
        "sasl.mechanisms=SCRAM-SHA-512",
        "sasl.username=operator",
        "sasl.password=" + password("operator"),
        "ssl.ca.location=" + caPem,
        "");
  }
}
