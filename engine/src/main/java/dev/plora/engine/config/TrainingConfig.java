package dev.plora.engine.config;

/**
 * How to train: the optimizer's hyper-parameters, the data order's seed, sequence length,
 * checkpoints and device, validated at construction.
 *
 * @param epochs passes over the training data, in [1, 1000]
 * @param batchSize examples per step, in [1, 4096]
 * @param learningRate peak learning rate (> 0), before per-target sparse scaling
 * @param weightDecay decoupled weight decay (≥ 0), not applied to biases
 * @param warmupRatio fraction of steps with linear warmup, in [0, 1)
 * @param maxGradNorm global gradient-norm clip (> 0), or 0 for none
 * @param seed data order, initialisation, dropout and random masks
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 * @param maxLength tokens per text after truncation, in [2, 8192]
 * @param sparseLrScaling how each target's learning rate follows its density
 * @param device where the model trains
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double learningRate,
    double weightDecay,
    double warmupRatio,
    double maxGradNorm,
    long seed,
    int checkpointEvery,
    int maxLength,
    SparseLrScaling sparseLrScaling,
    DeviceChoice device) {
  public static final TrainingConfig DEFAULTS = builder().build();

  public TrainingConfig {
    Check.between("training.epochs", epochs, 1, 1000);
    Check.between("training.batchSize", batchSize, 1, 4096);
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new ConfigException("training.learningRate", "must be > 0, got " + learningRate);
    }
    Check.nonNegative("training.weightDecay", weightDecay, Double.POSITIVE_INFINITY);
    Check.nonNegative("training.warmupRatio", warmupRatio, 1);
    Check.nonNegative("training.maxGradNorm", maxGradNorm, Double.POSITIVE_INFINITY);
    Check.atLeast("training.checkpointEvery", checkpointEvery, 0);
    Check.between("training.maxLength", maxLength, 2, 8192);
    if (sparseLrScaling == null) {
      throw new ConfigException("training.sparseLrScaling", "must be inverse-density or none");
    }
    if (device == null) {
      throw new ConfigException("training.device", "must be cpu, gpu or auto");
    }
  }

  /** Steps in one epoch over {@code examples} examples (the last batch may be smaller). */
  public int stepsPerEpoch(int examples) {
    return (examples + batchSize - 1) / batchSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .epochs(epochs)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .weightDecay(weightDecay)
        .warmupRatio(warmupRatio)
        .maxGradNorm(maxGradNorm)
        .seed(seed)
        .checkpointEvery(checkpointEvery)
        .maxLength(maxLength)
        .sparseLrScaling(sparseLrScaling)
        .device(device);
  }

  /**
   * The defaults, written here once: 3 epochs, batch 16, lr 5e-4, weight decay 0.01, 6% warmup,
   * clip at 1.0, seed 42, checkpoints only at the end, 128 tokens, lr / density for sparse targets,
   * device auto.
   */
  public static final class Builder {
    private int epochs = 3;
    private int batchSize = 16;
    private double learningRate = 5e-4;
    private double weightDecay = 0.01;
    private double warmupRatio = 0.06;
    private double maxGradNorm = 1.0;
    private long seed = 42;
    private int checkpointEvery;
    private int maxLength = 128;
    private SparseLrScaling sparseLrScaling = SparseLrScaling.INVERSE_DENSITY;
    private DeviceChoice device = DeviceChoice.AUTO;

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder warmupRatio(double v) {
      warmupRatio = v;
      return this;
    }

    public Builder maxGradNorm(double v) {
      maxGradNorm = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder maxLength(int v) {
      maxLength = v;
      return this;
    }

    public Builder sparseLrScaling(SparseLrScaling v) {
      sparseLrScaling = v;
      return this;
    }

    public Builder device(DeviceChoice v) {
      device = v;
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(
          epochs,
          batchSize,
          learningRate,
          weightDecay,
          warmupRatio,
          maxGradNorm,
          seed,
          checkpointEvery,
          maxLength,
          sparseLrScaling,
          device);
    }
  }
}
