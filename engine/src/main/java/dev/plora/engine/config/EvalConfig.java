package dev.plora.engine.config;

/**
 * How a trained model is scored.
 *
 * @param batchSize examples per forward pass, in [1, 4096] (no gradients: larger than training's)
 */
public record EvalConfig(int batchSize) {
  public static final EvalConfig DEFAULTS = new EvalConfig(32);

  public EvalConfig {
    Check.between("evaluation.batchSize", batchSize, 1, 4096);
  }
}
