package dev.plora.engine.violation.b;

import dev.plora.engine.violation.a.UsesKafka;

/** The other half of the deliberate package cycle. */
public final class NeedsA {
  public UsesKafka a() {
    return new UsesKafka();
  }
}
