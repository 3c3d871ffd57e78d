package dev.plora.cli;

import dev.plora.proto.v1.JobStatus;
import dev.plora.stack.MeshClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code plora watch JOB}: progress until the job ends. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "Follow a job: state changes and a training progress bar; then its results. Exit 0 when it succeeded.")
final class WatchCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Parameters(paramLabel = "JOB")
  String jobId;

  @Override
  public Integer call() {
    try (MeshClient client = stack.client()) {
      JobStatus end = new JobWatcher(System.out).follow(client, jobId);
      JobReport.print(end, stack.stack().store(), System.out);
      return JobWatcher.exitCode(end);
    }
  }
}
