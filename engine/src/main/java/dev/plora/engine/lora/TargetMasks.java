package dev.plora.engine.lora;

/** The masks of one target: {@code a} over {@code A [r, in]}, {@code b} over {@code B [out, r]}. */
public record TargetMasks(String module, Mask a, Mask b) {
  public long kept() {
    return a.kept().length + (long) b.kept().length;
  }

  public long numel() {
    return a.numel() + b.numel();
  }

  public double density() {
    return kept() / (double) numel();
  }
}
