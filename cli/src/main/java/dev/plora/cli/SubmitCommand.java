package dev.plora.cli;

import dev.plora.proto.v1.ArtifactInfo;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.stack.MeshClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plora submit}: a job to the mesh through gRPC. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Submit a fine-tuning job to the gateway (gRPC): --spec job.json and/or flags. Local files are"
            + " uploaded to your area of the artifact store (uploads/<you>/, content-addressed, so the same file"
            + " is stored once), or passed as file: URIs with --file-uris where the deployment enables them.")
final class SubmitCommand implements Callable<Integer> {
  @Mixin StackOptions stack;
  @Mixin JobSpecOptions job;

  @Option(
      names = "--file-uris",
      description =
          "pass local files as file: URIs instead of uploading them (only where the operator enabled"
              + " plora.store.allow-file-uris)")
  boolean fileUris;

  @Option(
      names = "--watch",
      description = "follow the job until it ends (exit 0 when it succeeded)")
  boolean watch;

  @Override
  public Integer call() {
    try (MeshClient client = stack.client()) {
      JobSpec spec =
          job.build(
              (path, option) -> {
                if (fileUris) {
                  return JobSpecOptions.fileUri(path, option);
                }
                Path local = Path.of(java.net.URI.create(JobSpecOptions.fileUri(path, option)));
                ArtifactInfo info = Uploads.contentAddressed(client, local);
                System.err.printf(
                    "uploaded %s -> %s (%,d bytes)%n", local, info.getPath(), info.getBytes());
                return info.getPath();
              });
      JobStatus s = client.submit(spec);
      System.out.printf(
          "submitted %s (%s, %d trial(s))%n",
          s.getJobId(), s.getSpec().getStrategy().getKind(), s.getTrialsCount());
      if (!watch) {
        return 0;
      }
      JobStatus end = new JobWatcher(System.out).follow(client, s.getJobId());
      JobReport.print(end, stack.stack().store(), System.out);
      return JobWatcher.exitCode(end);
    }
  }
}
