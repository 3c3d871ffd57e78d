package dev.plora.engine.train;

/**
 * Training hyper-parameters, validated at construction.
 *
 * @param epochs passes over the training data (≥ 1)
 * @param batchSize examples per step (≥ 1)
 * @param learningRate peak learning rate (> 0) before per-target sparse scaling
 * @param weightDecay decoupled weight decay (≥ 0), not applied to biases
 * @param warmupRatio fraction of steps with linear warmup, in [0, 1)
 * @param maxGradNorm global gradient-norm clip (> 0), or 0 for none
 * @param seed data order, initialisation and dropout
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double weightDecay,
    double warmupRatio, double maxGradNorm, long seed, int checkpointEvery) {
  /** The defaults of {@code plora train}, also used where a caller sets only the basics (sweeps, the mesh). */
  public static final double DEFAULT_WEIGHT_DECAY = 0.01;
  public static final double DEFAULT_WARMUP_RATIO = 0.06;
  public static final double DEFAULT_MAX_GRAD_NORM = 1.0;

  public TrainConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    if (!(warmupRatio >= 0 && warmupRatio < 1)) {
      throw new IllegalArgumentException("warmup ratio must be in [0, 1), got " + warmupRatio);
    }
    if (!(maxGradNorm >= 0)) {
      throw new IllegalArgumentException("max grad norm must be >= 0, got " + maxGradNorm);
    }
    if (checkpointEvery < 0) {
      throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
    }
  }

  /** The basics; weight decay, warmup and clipping at their defaults. */
  public static TrainConfig of(int epochs, int batchSize, double learningRate, long seed, int checkpointEvery) {
    return new TrainConfig(epochs, batchSize, learningRate, DEFAULT_WEIGHT_DECAY, DEFAULT_WARMUP_RATIO, DEFAULT_MAX_GRAD_NORM,
        seed, checkpointEvery);
  }

  /** Steps in one epoch over {@code examples} examples (the last batch may be smaller). */
  public int stepsPerEpoch(int examples) {
    return (examples + batchSize - 1) / batchSize;
  }
}
