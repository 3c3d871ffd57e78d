package dev.plora.engine.run;

import dev.plora.engine.data.Dataset;
import dev.plora.engine.eval.Evaluator;
import dev.plora.engine.eval.Metrics;
import java.nio.file.Path;

/** The engine's evaluate-a-run entry point: opens a trained run and scores a labelled dataset. */
public final class EvaluateRun {
  private EvaluateRun() {}

  public static Metrics execute(Path runDir, Path data, int batchSize) {
    try (TrainedRun run = TrainedRun.open(runDir)) {
      Dataset dataset = Dataset.read(data, run.fields());
      return Evaluator.evaluate(run.model(), run.tokenizer(), dataset, run.labels(), batchSize);
    }
  }
}
