package dev.plora.cli;

import dev.plora.engine.config.EvalConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TextFields;
import dev.plora.engine.config.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's defaults as system properties {@code plora.defaults.<field>}, which the commands'
 * options name in their {@code defaultValue} ({@code ${plora.defaults.training.epochs}}): the CLI
 * writes no default of its own, and {@code --help} shows the engine's.
 */
final class ConfigDefaults {
  static final String PREFIX = "plora.defaults.";

  private ConfigDefaults() {}

  static Map<String, String> all() {
    TrainingConfig t = TrainingConfig.DEFAULTS;
    StrategyConfig s = StrategyConfig.DEFAULTS;
    Map<String, String> d = new LinkedHashMap<>();
    d.put("model.source", ModelConfig.DEFAULT_SOURCE);
    d.put("model.pooling", ModelConfig.DEFAULTS.pooling().id());
    d.put("data.textField", TextFields.DEFAULT.text());
    d.put("data.textPairField", TextFields.DEFAULT.textPair());
    d.put("data.labelField", TextFields.DEFAULT.label());
    d.put("lora.rank", Integer.toString(LoraConfig.DEFAULT_RANK));
    d.put("lora.dropout", Double.toString(LoraConfig.DEFAULTS.dropout()));
    d.put("lora.targets", String.join(",", LoraConfig.DEFAULT_TARGETS));
    d.put("training.epochs", Integer.toString(t.epochs()));
    d.put("training.batchSize", Integer.toString(t.batchSize()));
    d.put("training.learningRate", Double.toString(t.learningRate()));
    d.put("training.weightDecay", Double.toString(t.weightDecay()));
    d.put("training.warmupRatio", Double.toString(t.warmupRatio()));
    d.put("training.maxGradNorm", Double.toString(t.maxGradNorm()));
    d.put("training.seed", Long.toString(t.seed()));
    d.put("training.checkpointEvery", Integer.toString(t.checkpointEvery()));
    d.put("training.maxLength", Integer.toString(t.maxLength()));
    d.put("training.sparseLrScaling", t.sparseLrScaling().id());
    d.put("training.device", t.device().id());
    d.put("evaluation.batchSize", Integer.toString(EvalConfig.DEFAULTS.batchSize()));
    d.put("strategy.tau", Double.toString(s.tau()));
    d.put("strategy.fewShot", Integer.toString(s.fewShot()));
    d.put("strategy.rounds", Integer.toString(s.rounds()));
    d.put("strategy.prune", Double.toString(s.prune()));
    d.put("strategy.pruneScope", s.globalPrune() ? "global" : "per-matrix");
    d.put("strategy.rewindStep", Integer.toString(s.rewindStep()));
    return d;
  }

  /** Sets the properties (once per JVM; the values never change). */
  static void publish() {
    all().forEach((field, value) -> System.setProperty(PREFIX + field, value));
  }
}
