package dev.plora.engine.mask;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.DiscoverConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What a strategy works with: the loaded model and its selected targets, the configuration, where
 * the plan is being written, and a stop request strategies that train (IMP) check between steps.
 */
public record StrategyContext(
    OnnxModel model,
    ModelFiles files,
    List<TargetSite> sites,
    DiscoverConfig config,
    Path out,
    BooleanSupplier stop) {
  public int rank() {
    return config.lora().rank();
  }

  public long seed() {
    return config.seed();
  }

  /** The training sets, read with the configured fields. */
  public List<Dataset> trainData() {
    return config.data().train().stream()
        .map(p -> Dataset.read(p, config.data().fields()))
        .toList();
  }

  /** The evaluation set, or null. */
  public Dataset evalData() {
    return config.data().eval() == null
        ? null
        : Dataset.read(config.data().eval(), config.data().fields());
  }

  /** A tokenizer truncating at {@code training.maxLength}; the caller closes it. */
  public TextTokenizer tokenizer() {
    return TextTokenizer.load(files.requireTokenizer(), config.training().maxLength());
  }

  /** The plan a control strategy starts from ({@code strategy.reference}). */
  public MaskPlan reference() {
    try (NDManager m = NDManager.newBaseManager()) {
      return MaskPlan.load(config.strategy().reference(), TargetSites.find(model), m);
    }
  }
}
