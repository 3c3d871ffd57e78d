package dev.plora.engine.config;

/**
 * Everything a training run needs: what to adapt, on which data, with which adapters and masks, and
 * how to train and score it. The CLI, the mesh and the sweep all build one of these; {@code
 * TrainRun} records it in the run's {@code config.json}.
 */
public record RunConfig(
    ModelConfig model,
    DataConfig data,
    LoraConfig lora,
    MaskSource masks,
    TrainingConfig training,
    EvalConfig evaluation) {
  public RunConfig {
    if (data == null) {
      throw new ConfigException("data.train", "must name a training file");
    }
    data.singleTrain();
    model = model != null ? model : ModelConfig.DEFAULTS;
    lora = lora != null ? lora : LoraConfig.DEFAULTS;
    training = training != null ? training : TrainingConfig.DEFAULTS;
    masks = masks != null ? masks : MaskSource.dense();
    evaluation = evaluation != null ? evaluation : EvalConfig.DEFAULTS;
  }

  /** Defaults everywhere but the data. */
  public static RunConfig of(DataConfig data) {
    return new RunConfig(null, data, null, null, null, null);
  }

  public RunConfig withModel(ModelConfig v) {
    return new RunConfig(v, data, lora, masks, training, evaluation);
  }

  public RunConfig withLora(LoraConfig v) {
    return new RunConfig(model, data, v, masks, training, evaluation);
  }

  public RunConfig withMasks(MaskSource v) {
    return new RunConfig(model, data, lora, v, training, evaluation);
  }

  public RunConfig withTraining(TrainingConfig v) {
    return new RunConfig(model, data, lora, masks, v, evaluation);
  }

  public RunConfig withEvaluation(EvalConfig v) {
    return new RunConfig(model, data, lora, masks, training, v);
  }
}
