package dev.plora.engine.config;

import java.util.List;

/** Range checks that throw a {@link ConfigException} naming the field. */
final class Check {
  private Check() {}

  static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new ConfigException(field, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(field, "must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /** In (0, max] when {@code closed}, (0, max) otherwise; NaN and infinities are refused. */
  static double positive(String field, double value, double max, boolean closed) {
    boolean ok = value > 0 && (closed ? value <= max : value < max);
    if (!ok) {
      throw new ConfigException(
          field, "must be in (0, " + fmt(max) + (closed ? "]" : ")") + ", got " + value);
    }
    return value;
  }

  /** In [0, max) (or [0, ∞) when max is infinite). */
  static double nonNegative(String field, double value, double max) {
    boolean ok = value >= 0 && (Double.isInfinite(max) ? Double.isFinite(value) : value < max);
    if (!ok) {
      throw new ConfigException(
          field,
          Double.isInfinite(max)
              ? "must be >= 0, got " + value
              : "must be in [0, " + fmt(max) + "), got " + value);
    }
    return value;
  }

  static String notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(field, "must not be empty");
    }
    return value;
  }

  static <T> List<T> notEmpty(String field, List<T> values) {
    if (values == null
        || values.isEmpty()
        || values.stream().anyMatch(v -> v == null || v.toString().isBlank())) {
      throw new ConfigException(field, "must name at least one value, got " + values);
    }
    return List.copyOf(values);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
