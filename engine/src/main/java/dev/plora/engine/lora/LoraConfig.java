package dev.plora.engine.lora;

import java.util.List;

/**
 * LoRA hyper-parameters. {@code x·W0 + (alpha/r)·(x·(A⊙Ma)ᵀ)·(B⊙Mb)ᵀ} with {@code A [r, in]}
 * Kaiming-uniform and {@code B [out, r]} zero-initialised.
 *
 * @param rank r ≥ 1
 * @param alpha scaling numerator (> 0); the update is scaled by alpha / r
 * @param dropout probability in [0, 1) of dropping an adapter input during training
 * @param targets module patterns as PEFT's {@code target_modules}: an exact module name, a suffix
 *     after a dot ({@code query} matches {@code encoder.layer.0.attention.self.query}), or a regular
 *     expression that must match the whole name when prefixed with {@code re:}
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets) {
  /** query, key, value and every dense layer: all six linear layers of a BERT block. */
  public static final List<String> DEFAULT_TARGETS = List.of("query", "key", "value", "dense");

  public LoraConfig {
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1, got " + rank);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be > 0, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (targets == null || targets.isEmpty() || targets.stream().anyMatch(t -> t == null || t.isBlank())) {
      throw new IllegalArgumentException("targets must name at least one module pattern, got " + targets);
    }
    targets = List.copyOf(targets);
  }

  public double scale() {
    return alpha / rank;
  }
}
