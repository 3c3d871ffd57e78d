package dev.plora.experiments.sweep;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.mask.Strategies;
import java.util.List;

/**
 * What a sweep runs: each strategy at each budget and seed, every run built from {@code base}
 * (model, data with its evaluation set, LoRA, training) and {@code strategy} (the strategy
 * parameters: few-shot k, IMP rounds and pruning). Each τ in {@code taus} gives one Partial-LoRA
 * plan per seed; that plan is also the budget its shuffled and low-rank controls are built from,
 * and — with {@code uniformAtTaus} — the density of a uniform control with the same parameter
 * count.
 *
 * @param densities uniform's explicit densities
 * @param uniformAtTaus also train uniform masks at each τ plan's kept fraction (equal parameter
 *     budget)
 */
public record SweepConfig(
    RunConfig base,
    StrategyConfig strategy,
    List<String> strategies,
    List<Double> densities,
    boolean uniformAtTaus,
    List<Long> seeds,
    List<Double> taus) {
  public SweepConfig {
    if (base.data().eval() == null) {
      throw new ConfigException("data.eval", "is required: a sweep compares runs on held-out data");
    }
    for (String s : strategies) {
      if (!Strategies.names().contains(s)) {
        throw new ConfigException(
            "sweep.strategies",
            "names an unknown strategy '"
                + s
                + "'; available: "
                + String.join(", ", Strategies.names()));
      }
    }
    if (strategies.contains("uniform") && densities.isEmpty() && !uniformAtTaus) {
      throw new ConfigException(
          "sweep.densities",
          "must be given for uniform (numbers, or 'tau' for each τ plan's budget)");
    }
    for (double d : densities) {
      if (!(d > 0 && d <= 1)) {
        throw new ConfigException("sweep.densities", "must be in (0, 1], got " + d);
      }
    }
    if (taus.isEmpty()) {
      throw new ConfigException("sweep.taus", "must name at least one threshold");
    }
    for (double t : taus) {
      if (!(t > 0 && t <= 1)) {
        throw new ConfigException("sweep.taus", "must be in (0, 1], got " + t);
      }
    }
    if (seeds.isEmpty()) {
      throw new ConfigException("sweep.seeds", "must name at least one seed");
    }
    densities = List.copyOf(densities);
    taus = List.copyOf(taus);
    seeds = List.copyOf(seeds);
    strategies = List.copyOf(strategies);
  }

  /** Whether any strategy needs the Partial-LoRA plans (as itself or as a budget to match). */
  boolean needsTauPlans() {
    return strategies.contains("partial-lora")
        || strategies.contains("shuffled")
        || strategies.contains("low-rank")
        || (strategies.contains("uniform") && uniformAtTaus);
  }

  /** The sweep's rank: dense LoRA at this rank is what "kept" fractions are measured against. */
  int rank() {
    return base.lora().rank();
  }
}
