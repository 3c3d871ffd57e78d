package dev.plora.engine.config;

import java.util.List;

/**
 * LoRA hyper-parameters. {@code x·W0 + (alpha/r)·(x·(A⊙Ma)ᵀ)·(B⊙Mb)ᵀ} with {@code A [r, in]}
 * Kaiming-uniform and {@code B [out, r]} zero-initialised.
 *
 * @param rank r ≥ 1
 * @param alpha scaling numerator (> 0); the update is scaled by alpha / r. Default 2·r (PEFT's
 *     habit)
 * @param dropout probability in [0, 1) of dropping an adapter input during training
 * @param targets module patterns as PEFT's {@code target_modules}: an exact module name, a suffix
 *     after a dot ({@code query} matches {@code encoder.layer.0.attention.self.query}), or a
 *     regular expression that must match the whole name when prefixed with {@code re:}
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets) {
  /** query, key, value and every dense layer: all six linear layers of a BERT block. */
  public static final List<String> DEFAULT_TARGETS = List.of("query", "key", "value", "dense");

  public static final int DEFAULT_RANK = 8;
  public static final LoraConfig DEFAULTS = builder().build();

  public LoraConfig {
    Check.between("lora.rank", rank, 1, 1024);
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new ConfigException("lora.alpha", "must be > 0, got " + alpha);
    }
    Check.nonNegative("lora.dropout", dropout, 1);
    targets = Check.notEmpty("lora.targets", targets);
  }

  /** The default alpha for a rank: 2·r, so the update is scaled by 2 (PEFT's common choice). */
  public static double defaultAlpha(int rank) {
    return 2.0 * rank;
  }

  /** alpha / r. */
  public double scale() {
    return alpha / rank;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().rank(rank).alpha(alpha).dropout(dropout).targets(targets);
  }

  /** Defaults: rank 8, alpha 2·rank, no dropout, {@link #DEFAULT_TARGETS}. */
  public static final class Builder {
    private int rank = DEFAULT_RANK;
    private Double alpha;
    private double dropout;
    private List<String> targets = DEFAULT_TARGETS;

    public Builder rank(int v) {
      rank = v;
      return this;
    }

    /** Null restores the default, 2·rank. */
    public Builder alpha(Double v) {
      alpha = v;
      return this;
    }

    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    public Builder targets(List<String> v) {
      targets = v;
      return this;
    }

    public LoraConfig build() {
      return new LoraConfig(rank, alpha != null ? alpha : defaultAlpha(rank), dropout, targets);
    }
  }
}
