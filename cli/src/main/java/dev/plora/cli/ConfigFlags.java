package dev.plora.cli;

import dev.plora.engine.config.ConfigException;
import java.util.Map;

/**
 * The engine's configuration fields in the CLI's words: an engine error names {@code
 * training.maxLength}, the user typed {@code --max-len}.
 */
final class ConfigFlags {
  private static final Map<String, String> FLAGS =
      Map.ofEntries(
          Map.entry("model.source", "--model"),
          Map.entry("model.tokenizer", "--tokenizer"),
          Map.entry("model.pooling", "--pooling"),
          Map.entry("data.train", "--train"),
          Map.entry("data.eval", "--eval"),
          Map.entry("data.textField", "--text-field"),
          Map.entry("data.textPairField", "--text-pair-field"),
          Map.entry("data.labelField", "--label-field"),
          Map.entry("lora.rank", "--rank"),
          Map.entry("lora.alpha", "--alpha"),
          Map.entry("lora.dropout", "--dropout"),
          Map.entry("lora.targets", "--targets"),
          Map.entry("masks.density", "--density"),
          Map.entry("masks.file", "--masks"),
          Map.entry("training.epochs", "--epochs"),
          Map.entry("training.batchSize", "--batch"),
          Map.entry("training.learningRate", "--lr"),
          Map.entry("training.weightDecay", "--weight-decay"),
          Map.entry("training.warmupRatio", "--warmup"),
          Map.entry("training.maxGradNorm", "--max-grad-norm"),
          Map.entry("training.seed", "--seed"),
          Map.entry("training.checkpointEvery", "--checkpoint-every"),
          Map.entry("training.maxLength", "--max-len"),
          Map.entry("training.sparseLrScaling", "--sparse-lr-scaling"),
          Map.entry("training.device", "--device"),
          Map.entry("evaluation.batchSize", "--batch"),
          Map.entry("strategy.name", "--strategy"),
          Map.entry("strategy.tau", "--tau"),
          Map.entry("strategy.fewShot", "--few-shot"),
          Map.entry("strategy.dMin", "--d-min"),
          Map.entry("strategy.density", "--density"),
          Map.entry("strategy.reference", "--from"),
          Map.entry("strategy.rounds", "--rounds"),
          Map.entry("strategy.prune", "--prune"),
          Map.entry("strategy.pruneScope", "--prune-scope"),
          Map.entry("strategy.rewindStep", "--rewind-step"),
          Map.entry("sweep.strategies", "--strategies"),
          Map.entry("sweep.densities", "--densities"),
          Map.entry("sweep.taus", "--taus"),
          Map.entry("sweep.seeds", "--seeds"));

  private ConfigFlags() {}

  /** The flag for a configuration field; the field itself when no flag sets it. */
  static String of(String field) {
    return FLAGS.getOrDefault(field, field);
  }

  /**
   * The engine's error with the field called by its flag: {@code --max-len must be in [2, 8192],
   * got 1}.
   */
  static String message(ConfigException e) {
    return e.reworded(of(e.field()));
  }
}
