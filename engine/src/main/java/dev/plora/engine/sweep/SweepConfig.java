package dev.plora.engine.sweep;

import java.util.List;

/**
 * What a sweep runs: each strategy at each budget and seed, on one model and dataset, with one set of
 * training hyper-parameters. Each τ in {@code taus} gives one Partial-LoRA plan per seed; that plan is
 * also the budget its shuffled and low-rank controls are built from, and — with {@code uniformAtTaus} —
 * the density of a uniform control with the same parameter count.
 *
 * @param densities uniform's explicit densities
 * @param taus Partial-LoRA energy thresholds, one plan (and one set of controls) each
 * @param uniformAtTaus also train uniform masks at each τ plan's kept fraction (equal parameter budget)
 */
public record SweepConfig(String model, String tokenizer, String train, String eval, List<String> strategies,
    List<Double> densities, boolean uniformAtTaus, List<Long> seeds, int rank, double alpha, int maxLength, int epochs,
    int batchSize, double learningRate, List<Double> taus, int fewShot, int rounds, double prune,
    String sparseLrScaling) {
  public static final List<String> STRATEGIES = List.of("dense", "partial-lora", "uniform", "imp", "shuffled", "low-rank");

  public SweepConfig {
    for (String s : strategies) {
      if (!STRATEGIES.contains(s)) {
        throw new IllegalArgumentException("unknown strategy '" + s + "' in --strategies; available: " + STRATEGIES);
      }
    }
    if (strategies.contains("uniform") && densities.isEmpty() && !uniformAtTaus) {
      throw new IllegalArgumentException("uniform needs --densities (numbers, or 'tau' for each τ plan's budget)");
    }
    for (double d : densities) {
      if (!(d > 0 && d <= 1)) {
        throw new IllegalArgumentException("--densities must be in (0, 1], got " + d);
      }
    }
    if (taus.isEmpty()) {
      throw new IllegalArgumentException("--taus must name at least one threshold");
    }
    for (double t : taus) {
      if (!(t > 0 && t <= 1)) {
        throw new IllegalArgumentException("--taus must be in (0, 1], got " + t);
      }
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("--seeds must name at least one seed");
    }
    densities = List.copyOf(densities);
    taus = List.copyOf(taus);
    seeds = List.copyOf(seeds);
    strategies = List.copyOf(strategies);
  }

  /** Whether any strategy needs the Partial-LoRA plans (as itself or as a budget to match). */
  boolean needsTauPlans() {
    return strategies.contains("partial-lora") || strategies.contains("shuffled") || strategies.contains("low-rank")
        || (strategies.contains("uniform") && uniformAtTaus);
  }
}
