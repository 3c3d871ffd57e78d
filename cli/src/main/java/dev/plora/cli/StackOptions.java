package dev.plora.cli;

import dev.plora.stack.LocalStack;
import dev.plora.stack.MeshClient;
import dev.plora.stack.StackPorts;
import dev.plora.stack.StackService;
import dev.plora.stack.security.StackSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the embedded stack lives and listens; shared by up, down, status, submit, watch, cancel,
 * demo.
 */
final class StackOptions {
  @Option(
      names = "--stack-home",
      description =
          "stack state: logs, pid files, Kafka data, artifact store (default: <repo>/.plora)")
  Path home;

  @Option(
      names = "--gateway",
      description = "gRPC target of the gateway (default: the embedded stack's, 127.0.0.1:19000)")
  String gateway;

  @Option(
      names = "--kafka-port",
      defaultValue = "19092",
      description = "embedded broker port (default: ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(
      names = "--grpc-port",
      defaultValue = "19000",
      description = "embedded gateway gRPC port (default: ${DEFAULT-VALUE})")
  int grpcPort;

  @Option(
      names = "--http-port",
      defaultValue = "18080",
      description = "first HTTP port: gateway, then one per worker (default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--replicas",
      split = ",",
      paramLabel = "SERVICE=N",
      description =
          "worker replicas to run, e.g. trainer=2,evaluator=1 (each its own process and worker name; default 1 each)")
  Map<String, Integer> replicas;

  @Option(
      names = "--ca",
      paramLabel = "PEM",
      description =
          "CA certificate the gateway's TLS certificate chains to (default: the embedded stack's"
              + " <stack-home>/tls/ca.pem when it exists, else the JVM's trusted roots)")
  Path ca;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "bearer token for the gateway (default: $PLORA_TOKEN, else the embedded stack's admin token"
              + " <stack-home>/auth/admin.token)")
  Path tokenFile;

  @Option(
      names = "--plaintext",
      description = "no TLS (only for a gateway started with PLORA_GRPC_PLAINTEXT=true)")
  boolean plaintext;

  static Path repoRoot() {
    return Path.of(System.getProperty("plora.root", ".")).toAbsolutePath().normalize();
  }

  LocalStack stack() {
    LocalStack stack = plain();
    if (replicas != null) {
      replicas.forEach(
          (name, n) ->
              stack.withReplicas(
                  java.util.Arrays.stream(StackService.values())
                      .filter(s -> s.id().equals(name))
                      .findFirst()
                      .orElseThrow(
                          () ->
                              new IllegalArgumentException(
                                  "--replicas: no service '"
                                      + name
                                      + "'; workers are mask-discovery, trainer,"
                                      + " evaluator, exporter")),
                  n));
    }
    return stack;
  }

  private LocalStack plain() {
    return new LocalStack(
        repoRoot(), home(), new StackPorts(kafkaPort, kafkaPort + 1, grpcPort, httpPort));
  }

  Path home() {
    return home != null ? home : repoRoot().resolve(".plora");
  }

  /** A client of the gateway with the CA and token these options name. */
  MeshClient client() {
    StackSecurity security = new StackSecurity(home());
    Path trust = ca != null ? ca : Files.isRegularFile(security.caPem()) ? security.caPem() : null;
    return new MeshClient(
        gatewayTarget(), new MeshClient.Credentials(trust, token(security), plaintext));
  }

  private String token(StackSecurity security) {
    String env = System.getenv("PLORA_TOKEN");
    if (tokenFile != null) {
      return StackSecurity.readToken(tokenFile);
    }
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    if (Files.isRegularFile(security.adminToken())) {
      return StackSecurity.readToken(security.adminToken());
    }
    throw new IllegalArgumentException(
        "no token for the gateway: give --token-file or PLORA_TOKEN (mint one with `plora token`), or"
            + " start the embedded stack with `plora up`, which writes "
            + security.adminToken());
  }

  String gatewayTarget() {
    return gateway != null ? gateway : "127.0.0.1:" + grpcPort;
  }
}
