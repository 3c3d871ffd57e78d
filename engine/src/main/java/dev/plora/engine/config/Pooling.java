package dev.plora.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How token states become one vector per text: the mean over attended tokens, or the first token.
 */
public enum Pooling {
  MEAN,
  FIRST;

  /** {@code mean}, {@code first} (or {@code cls}). */
  @JsonCreator
  public static Pooling parse(String s) {
    return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
      case "mean" -> MEAN;
      case "first", "cls" -> FIRST;
      default ->
          throw new ConfigException("model.pooling", "must be mean or first, got '" + s + "'");
    };
  }

  /** The name {@link #parse} reads. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
