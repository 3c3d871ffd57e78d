package dev.plora.cli;

import dev.plora.stack.LocalStack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code plora up}: the embedded stack (real Kafka + the five services) as local processes. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start the embedded stack: a real single-node Kafka (KRaft) and the gateway, mask-discovery, trainer,"
            + " evaluator and exporter services, as local processes (logs and the artifact store under .plora/).")
final class UpCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Override
  public Integer call() {
    LocalStack stack = options.stack();
    stack.up(System.out);
    System.out.printf(
        "plora stack up: gRPC %s (TLS), Kafka %s (SASL_SSL), store %s, logs %s%n",
        stack.grpcTarget(), stack.ports().bootstrap(), stack.store(), stack.logs());
    System.out.printf(
        "  CA %s, admin token %s (the CLI uses both; `plora token --subject NAME` mints more)%n"
            + "  Kafka operator config %s, kcat: kcat -F %s -L%n",
        stack.security().caPem(),
        stack.security().adminToken(),
        stack.security().clientProperties(),
        stack.security().kcatConf());
    return 0;
  }
}
