package dev.plora.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a sparse adapter's learning rate follows its density. A masked adapter moves its weight
 * update much more slowly than a dense one at the same rate, so by default each target trains at
 * {@code lr / density}, the multiplier capped at the rank (density floor 1/r).
 */
public enum SparseLrScaling {
  INVERSE_DENSITY,
  NONE;

  /** {@code inverse-density} or {@code none}. */
  @JsonCreator
  public static SparseLrScaling parse(String s) {
    return switch (s == null ? "" : s) {
      case "inverse-density" -> INVERSE_DENSITY;
      case "none" -> NONE;
      default ->
          throw new ConfigException(
              "training.sparseLrScaling", "must be inverse-density or none, got '" + s + "'");
    };
  }

  /** The name {@link #parse} reads. */
  @JsonValue
  public String id() {
    return this == INVERSE_DENSITY ? "inverse-density" : "none";
  }

  /** The learning-rate multiplier of a target with the given density and rank. */
  public double multiplier(double density, int rank) {
    return this == NONE ? 1.0 : Math.min(1.0 / density, rank);
  }
}
