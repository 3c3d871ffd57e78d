package dev.plora.cli;

import dev.plora.proto.v1.ArtifactFile;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.stack.MeshClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plora download JOB}: a finished job's exports, each file checked against its SHA-256. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description =
        "Download a succeeded job's exports through the gateway into --out, verifying every file against"
            + " the SHA-256 the job's status records (a mismatch writes nothing and fails).")
final class DownloadCommand implements Callable<Integer> {
  @Mixin StackOptions stack;

  @Parameters(paramLabel = "JOB")
  String jobId;

  @Option(
      names = "--out",
      defaultValue = ".",
      description = "folder to write into (default: the current folder)")
  Path out;

  @Option(
      names = "--format",
      description = "only this export format (onnx-merged, peft, sparse; default: all)")
  String format;

  @Override
  public Integer call() {
    try (MeshClient client = stack.client()) {
      JobStatus s = client.get(jobId);
      if (s.getState() != JobState.JOB_STATE_SUCCEEDED) {
        throw new IllegalArgumentException(
            "job "
                + jobId
                + " is "
                + JobReport.state(s.getState())
                + "; only a succeeded job has exports");
      }
      String jobDir = "jobs/" + jobId + "/";
      int files = 0;
      for (ExportArtifact e : s.getExportsList()) {
        if (format != null && !format.equals(e.getFormat())) {
          continue;
        }
        for (ArtifactFile f : e.getFilesList()) {
          String rel =
              f.getUri().startsWith(jobDir) ? f.getUri().substring(jobDir.length()) : f.getUri();
          Path local = out.resolve(rel).normalize();
          if (!local.startsWith(out.normalize())) {
            throw new IllegalStateException(
                "export file '" + f.getUri() + "' leads outside " + out);
          }
          client.download(f.getUri(), local, f.getSha256());
          System.out.printf(
              "%s  %s (%,d bytes, sha256 verified)%n", f.getSha256(), local, f.getBytes());
          files++;
        }
      }
      if (files == 0) {
        throw new IllegalArgumentException(
            "job "
                + jobId
                + " has no export files"
                + (format != null ? " of format " + format : ""));
      }
      return 0;
    }
  }
}
