package dev.plora.cli;

import dev.plora.stack.LocalStack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code plora init}: the stack's home (keys, certificates, passwords) without starting it. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Make the stack's home without starting anything: the CA and certificates, the token signing key"
          + " and an admin token, one Kafka password per service (and kafka/SERVICE.env for compose),"
          + " and the store and broker folders. What exists is kept; what is about to expire is renewed.",
      "`plora up` does this itself; docker-compose.yml mounts what it makes (deploy/README.md)."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Override
  public Integer call() {
    LocalStack stack = options.stack();
    stack.init(System.out);
    System.out.printf(
        "plora stack home %s: CA %s, admin token %s%n",
        options.home(), stack.security().caPem(), stack.security().adminToken());
    return 0;
  }
}
