package dev.plora.cli;

import dev.plora.engine.export.ExportFormat;
import dev.plora.engine.export.ExportRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plora export}: a trained run as a merged ONNX model, a PEFT adapter or a sparse adapter.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a trained run: onnx-merged (one .onnx with the adapters folded in and the head appended,"
            + " parity-checked in ONNX Runtime), peft (a HuggingFace PEFT adapter directory) or sparse (kept entries only).")
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--run", required = true, description = "a run directory written by plora train")
  Path run;

  @Option(names = "--format", required = true, description = "onnx-merged, peft or sparse")
  String format;

  @Option(
      names = "--out",
      required = true,
      description = "the .onnx file (onnx-merged) or directory (peft, sparse)")
  Path out;

  @Option(
      names = "--check-data",
      description =
          "texts for the parity check (default: the run's eval data, else its training data)")
  Path checkData;

  @Option(names = "--fp16", description = "sparse only: store values as float16")
  boolean fp16;

  @Option(names = "--force", description = "replace an existing output")
  boolean force;

  @Override
  public Integer call() {
    ExportFormat f = ExportFormat.parse(format);
    if (fp16 && f != ExportFormat.SPARSE) {
      throw new IllegalArgumentException("--fp16 applies to --format sparse only");
    }
    if (Files.exists(out) && !force) {
      throw new IllegalArgumentException(out + " already exists; pass --force to replace it");
    }
    ExportRun.Result r = ExportRun.execute(run, f, out, checkData, force, fp16);
    PrintWriter w = spec.commandLine().getOut();
    w.printf("wrote %s (%s, %,d bytes)%n", r.out(), f.cliName(), r.bytes());
    if (f == ExportFormat.ONNX_MERGED) {
      w.printf(
          "parity: ONNX Runtime vs engine logits on %d texts, max abs difference %.2e (tolerance 1e-4)%n",
          r.checkedTexts(), r.parityMaxDiff());
    }
    w.flush();
    return 0;
  }
}
