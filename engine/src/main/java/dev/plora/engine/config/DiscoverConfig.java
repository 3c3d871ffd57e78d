package dev.plora.engine.config;

/**
 * What mask discovery needs: the model, data (partial-lora and imp read it), the adapters' rank and
 * targets, the strategy and — for IMP, which trains — the training settings. {@code training.seed}
 * seeds the plan; {@code training.maxLength} bounds the texts partial-lora runs through the model.
 */
public record DiscoverConfig(
    ModelConfig model,
    DataConfig data,
    LoraConfig lora,
    StrategyConfig strategy,
    TrainingConfig training) {
  public DiscoverConfig {
    if (strategy == null) {
      throw new ConfigException("strategy.name", "must name a strategy");
    }
    model = model != null ? model : ModelConfig.DEFAULTS;
    lora = lora != null ? lora : LoraConfig.DEFAULTS;
    training = training != null ? training : TrainingConfig.DEFAULTS;
  }

  public long seed() {
    return training.seed();
  }
}
