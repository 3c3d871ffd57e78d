package dev.plora.engine.export;

import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.run.TrainedRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine's export entry point: opens a trained run and writes one format. An existing output is
 * refused unless {@code force}; an adapter holding NaN/Inf is refused; the merged ONNX model is
 * checked in ONNX Runtime before it is written, so a failed check leaves nothing behind.
 */
public final class ExportRun {
  /** How many texts of the check data the parity check uses. */
  public static final int CHECK_TEXTS = 16;

  /**
   * @param parityMaxDiff ONNX Runtime vs engine logits (onnx-merged only, else NaN)
   * @param bytes total size of what was written
   */
  public record Result(
      ExportFormat format, Path out, long bytes, double parityMaxDiff, int checkedTexts) {}

  private ExportRun() {}

  /**
   * @param checkData texts for the parity check; null: the run's evaluation data, else its training
   *     data
   * @param fp16 sparse format only: store values as float16
   */
  public static Result execute(
      Path runDir, ExportFormat format, Path out, Path checkData, boolean force, boolean fp16) {
    if (Files.exists(out) && !force) {
      throw new ExportException(out + " already exists; force the export to replace it");
    }
    try (TrainedRun run = TrainedRun.open(runDir)) {
      RunConfig c = run.config();
      List<String> labels = run.record().labels();
      switch (format) {
        case ONNX_MERGED:
          {
            OnnxModel merged =
                MergedOnnx.build(run.base(), run.model(), labels, c.training().maxLength());
            FiniteCheck.requireFinite(
                run.model().adapterTensors(run.model().manager()), runDir.toString());
            byte[] bytes = merged.toByteArray();
            Path data =
                checkData != null
                    ? checkData
                    : c.data().eval() != null ? c.data().eval() : c.data().singleTrain();
            List<Example> sample = Dataset.read(data, run.fields()).examples();
            sample = sample.subList(0, Math.min(CHECK_TEXTS, sample.size()));
            double diff =
                ParityCheck.check(
                    bytes,
                    run.model(),
                    run.tokenizer(),
                    sample.stream().map(Example::text).toList(),
                    sample.stream().map(Example::textPair).toList());
            AtomicFiles.write(out, o -> o.write(bytes));
            return new Result(format, out, bytes.length, diff, sample.size());
          }
        case PEFT:
          writeDirectory(out, tmp -> PeftAdapter.write(tmp, run.model(), run.record()));
          return new Result(format, out, size(out), Double.NaN, 0);
        default:
          writeDirectory(out, tmp -> SparseAdapter.write(tmp, run.model(), run.record(), fp16));
          return new Result(format, out, size(out), Double.NaN, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  private interface DirectoryWriter {
    void write(Path dir) throws IOException;
  }

  /**
   * Writes a directory export under a temporary name beside {@code out}, then renames it into
   * place.
   */
  private static void writeDirectory(Path out, DirectoryWriter writer) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + out.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectory(tmp);
      writer.write(tmp);
      if (Files.isDirectory(out)) {
        deleteFlat(out);
      } else {
        Files.deleteIfExists(out);
      }
      Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.isDirectory(tmp)) {
        deleteFlat(tmp);
      }
    }
  }

  /** Deletes a directory of plain files (what an export writes); a nested directory is refused. */
  private static void deleteFlat(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (Files.isDirectory(f)) {
          throw new ExportException(
              dir + " holds a directory (" + f.getFileName() + "); not replacing it");
        }
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  private static long size(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
