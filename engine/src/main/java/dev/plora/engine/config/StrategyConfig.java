package dev.plora.engine.config;

import java.nio.file.Path;

/**
 * Which mask strategy to run and its parameters; each strategy reads only its own (the strategy
 * registry says which it needs).
 *
 * @param name dense, uniform, partial-lora, imp, shuffled or low-rank
 * @param tau partial-lora: share of the task energy the kept directions must reach, in (0, 1]
 * @param fewShot partial-lora: examples per label whose activations are captured (≥ 1)
 * @param dMin partial-lora: density floor in (0, 1]; null: 1 / rank
 * @param density uniform: the density in (0, 1]
 * @param reference shuffled, low-rank: the plan directory they control against
 * @param rounds imp: train-prune rounds, in [1, 20]
 * @param prune imp: fraction of surviving entries pruned per round, in (0, 1)
 * @param globalPrune imp: prune by one threshold over all adapters instead of per matrix
 * @param rewindStep imp: survivors rewind to their values at this step (0: initialisation)
 */
public record StrategyConfig(
    String name,
    double tau,
    int fewShot,
    Double dMin,
    Double density,
    Path reference,
    int rounds,
    double prune,
    boolean globalPrune,
    int rewindStep) {
  /** Partial-LoRA with every parameter at its default. */
  public static final StrategyConfig DEFAULTS = builder("partial-lora").build();

  public StrategyConfig {
    Check.notBlank("strategy.name", name);
    Check.positive("strategy.tau", tau, 1, true);
    Check.atLeast("strategy.fewShot", fewShot, 1);
    if (dMin != null) {
      Check.positive("strategy.dMin", dMin, 1, true);
    }
    if (density != null) {
      Check.positive("strategy.density", density, 1, true);
    }
    Check.between("strategy.rounds", rounds, 1, 20);
    Check.positive("strategy.prune", prune, 1, false);
    Check.atLeast("strategy.rewindStep", rewindStep, 0);
  }

  /** The density floor for a rank: {@code dMin}, or 1 / rank. */
  public double dMinFor(int rank) {
    return dMin != null ? dMin : 1.0 / rank;
  }

  /** {@code per-matrix} or {@code global}. */
  public static boolean parsePruneScope(String s) {
    return switch (s == null ? "" : s) {
      case "per-matrix" -> false;
      case "global" -> true;
      default ->
          throw new ConfigException(
              "strategy.pruneScope", "must be per-matrix or global, got '" + s + "'");
    };
  }

  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .tau(tau)
        .fewShot(fewShot)
        .dMin(dMin)
        .density(density)
        .reference(reference)
        .rounds(rounds)
        .prune(prune)
        .globalPrune(globalPrune)
        .rewindStep(rewindStep);
  }

  /**
   * Defaults: τ 0.9, 16 shots, floor 1/r, 3 IMP rounds pruning 20% per matrix, rewind to
   * initialisation.
   */
  public static final class Builder {
    private String name;
    private double tau = 0.9;
    private int fewShot = 16;
    private Double dMin;
    private Double density;
    private Path reference;
    private int rounds = 3;
    private double prune = 0.2;
    private boolean globalPrune;
    private int rewindStep;

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder tau(double v) {
      tau = v;
      return this;
    }

    public Builder fewShot(int v) {
      fewShot = v;
      return this;
    }

    public Builder dMin(Double v) {
      dMin = v;
      return this;
    }

    public Builder density(Double v) {
      density = v;
      return this;
    }

    public Builder reference(Path v) {
      reference = v;
      return this;
    }

    public Builder rounds(int v) {
      rounds = v;
      return this;
    }

    public Builder prune(double v) {
      prune = v;
      return this;
    }

    public Builder globalPrune(boolean v) {
      globalPrune = v;
      return this;
    }

    public Builder rewindStep(int v) {
      rewindStep = v;
      return this;
    }

    public StrategyConfig build() {
      return new StrategyConfig(
          name, tau, fewShot, dMin, density, reference, rounds, prune, globalPrune, rewindStep);
    }
  }
}
