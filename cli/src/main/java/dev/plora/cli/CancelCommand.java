package dev.plora.cli;

import dev.plora.stack.MeshClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code plora cancel JOB}. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description =
        "Cancel a job; a training trial stops at its next step (its checkpoint stays in the store).")
final class CancelCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Parameters(paramLabel = "JOB")
  String jobId;

  @Override
  public Integer call() {
    try (MeshClient client = stack.client()) {
      System.out.printf("%s %s%n", jobId, JobReport.state(client.cancel(jobId).getState()));
      return 0;
    }
  }
}
