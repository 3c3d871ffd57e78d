package dev.plora.cli;

import dev.plora.proto.v1.DeleteJobResponse;
import dev.plora.stack.MeshClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code plora delete JOB}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description =
        "Delete an ended job: its record in the job state topic (a tombstone) and its files in the artifact"
            + " store. A running job must be cancelled first.")
final class DeleteCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Parameters(paramLabel = "JOB")
  String jobId;

  @Override
  public Integer call() {
    try (MeshClient client = stack.client()) {
      DeleteJobResponse r = client.delete(jobId);
      System.out.printf("%s deleted (%,d bytes of files)%n", r.getJobId(), r.getBytesFreed());
      return 0;
    }
  }
}
