package dev.plora.cli;

import dev.plora.stack.LocalStack;
import dev.plora.stack.StackPorts;
import dev.plora.stack.StackService;
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
        repoRoot(),
        home != null ? home : repoRoot().resolve(".plora"),
        new StackPorts(kafkaPort, kafkaPort + 1, grpcPort, httpPort));
  }

  String gatewayTarget() {
    return gateway != null ? gateway : "127.0.0.1:" + grpcPort;
  }
}
