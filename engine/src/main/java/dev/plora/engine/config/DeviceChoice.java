package dev.plora.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where training runs: the CPU, a GPU (an error when PyTorch sees none), or a GPU when there is
 * one.
 */
public enum DeviceChoice {
  CPU,
  GPU,
  AUTO;

  /** {@code cpu}, {@code gpu} or {@code auto}. */
  @JsonCreator
  public static DeviceChoice parse(String s) {
    return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
      case "cpu" -> CPU;
      case "gpu" -> GPU;
      case "auto" -> AUTO;
      default ->
          throw new ConfigException("training.device", "must be cpu, gpu or auto, got '" + s + "'");
    };
  }

  /** The name {@link #parse} reads. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
