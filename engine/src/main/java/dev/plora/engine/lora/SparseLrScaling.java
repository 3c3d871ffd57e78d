package dev.plora.engine.lora;

/**
 * How a sparse adapter's learning rate follows its density. A masked adapter moves its weight update
 * much more slowly than a dense one at the same rate, so by default each target trains at
 * {@code lr / density}, the multiplier capped at the rank (density floor 1/r).
 */
public enum SparseLrScaling {
  INVERSE_DENSITY, NONE;

  public static SparseLrScaling parse(String s) {
    switch (s) {
      case "inverse-density": return INVERSE_DENSITY;
      case "none": return NONE;
      default: throw new IllegalArgumentException("sparse-lr-scaling must be 'inverse-density' or 'none', got '" + s + "'");
    }
  }

  public String cliName() {
    return this == INVERSE_DENSITY ? "inverse-density" : "none";
  }

  /** The learning-rate multiplier of a target with the given density and rank. */
  public double multiplier(double density, int rank) {
    return this == NONE ? 1.0 : Math.min(1.0 / density, rank);
  }
}
