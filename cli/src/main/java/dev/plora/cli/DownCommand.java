package dev.plora.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code plora down}: stops the embedded stack; its Kafka data and artifact store stay. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description =
        "Stop the embedded stack (services first, then the broker). Jobs, Kafka data and the store are kept.")
final class DownCommand implements Callable<Integer> {
  @Mixin StackOptions options;

  @Override
  public Integer call() {
    options.stack().down();
    System.out.println("plora stack down");
    return 0;
  }
}
