package dev.plora.engine.sweep;

import java.util.List;

/**
 * What a sweep runs: each strategy at each density (uniform) and seed, on one model and dataset, with
 * one set of training hyper-parameters. Partial-LoRA's plan of a seed is also the reference the
 * shuffled and low-rank controls of that seed are built from.
 */
public record SweepConfig(String model, String tokenizer, String train, String eval, List<String> strategies,
    List<Double> densities, List<Long> seeds, int rank, double alpha, int maxLength, int epochs, int batchSize,
    double learningRate, double tau, int fewShot, int rounds, double prune, String sparseLrScaling) {
  public static final List<String> STRATEGIES = List.of("dense", "partial-lora", "uniform", "imp", "shuffled", "low-rank");

  public SweepConfig {
    for (String s : strategies) {
      if (!STRATEGIES.contains(s)) {
        throw new IllegalArgumentException("unknown strategy '" + s + "' in --strategies; available: " + STRATEGIES);
      }
    }
    if (strategies.contains("uniform") && densities.isEmpty()) {
      throw new IllegalArgumentException("uniform needs --densities");
    }
    for (double d : densities) {
      if (!(d > 0 && d <= 1)) {
        throw new IllegalArgumentException("--densities must be in (0, 1], got " + d);
      }
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("--seeds must name at least one seed");
    }
  }
}
