package dev.plora.engine.lora;

/** How token states become one vector per text: the mean over attended tokens, or the first token. */
public enum Pooling {
  MEAN, FIRST;

  public static Pooling parse(String s) {
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "mean": return MEAN;
      case "first": case "cls": return FIRST;
      default: throw new IllegalArgumentException("pooling must be 'mean' or 'first', got '" + s + "'");
    }
  }
}
