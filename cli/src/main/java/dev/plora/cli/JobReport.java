package dev.plora.cli;

import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.TrialStatus;
import java.io.PrintStream;
import java.nio.file.Path;

/** A job as a user reads it: state, per-trial metrics, best trial, export locations. */
final class JobReport {
  static String state(JobState s) {
    return s.name().replace("JOB_STATE_", "").toLowerCase();
  }

  static void print(JobStatus j, Path store, PrintStream out) {
    out.printf(
        "job %s  %s  strategy %s%s%n",
        j.getJobId(),
        state(j.getState()),
        j.getSpec().getStrategy().getKind(),
        j.getReason().isEmpty() ? "" : "  (" + j.getReason() + ")");
    out.printf(
        "  %5s %6s %8s %12s %9s %9s %8s %8s %8s%n",
        "trial",
        "seed",
        "density",
        "adapter",
        "reduction",
        "accuracy",
        "macroF1",
        "mcc",
        "train s");
    for (TrialStatus t : j.getTrialsList()) {
      boolean evaluated = t.hasMetrics();
      out.printf(
          "  %5d %6d %8s %12s %9s %9s %8s %8s %8s%s%n",
          t.getIndex(),
          t.getSeed(),
          j.getSpec().getStrategy().getKind().equals("uniform")
              ? String.format("%.4f", t.getDensity())
              : "-",
          evaluated ? Long.toString(t.getMetrics().getAdapterParams()) : "-",
          evaluated ? String.format("%.1f%%", 100 * t.getMetrics().getReduction()) : "-",
          evaluated ? String.format("%.4f", t.getMetrics().getAccuracy()) : "-",
          evaluated ? String.format("%.4f", t.getMetrics().getMacroF1()) : "-",
          evaluated ? String.format("%.4f", t.getMetrics().getMcc()) : "-",
          evaluated ? String.format("%.1f", t.getMetrics().getTrainSeconds()) : "-",
          t.getIndex() == j.getBestTrial() && evaluated ? "  <- best" : "");
    }
    for (ExportArtifact e : j.getExportsList()) {
      out.printf(
          "  export %-11s %s (%,d bytes%s)%n",
          e.getFormat(),
          store != null ? store.resolve(e.getUri()) : e.getUri(),
          e.getBytes(),
          e.getParityMaxDiff() > 0
              ? String.format(", ONNX Runtime parity %.2e", e.getParityMaxDiff())
              : "");
      if (!e.getSha256().isEmpty()) {
        out.printf(
            "         %-11s sha256 %s%s%n",
            "",
            e.getSha256(),
            e.getFilesCount() > 1 ? " (manifest of " + e.getFilesCount() + " files)" : "");
      }
    }
  }

  private JobReport() {}
}
