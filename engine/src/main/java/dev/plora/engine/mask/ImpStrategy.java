package dev.plora.engine.mask;

import dev.plora.engine.data.TextTokenizer;

/**
 * {@code imp}: lottery tickets by iterative magnitude pruning ({@link Imp}); trains every round.
 */
final class ImpStrategy implements Strategy {
  @Override
  public String name() {
    return "imp";
  }

  @Override
  public Needs needs() {
    return new Needs(true, true, false, false);
  }

  @Override
  public MaskPlan plan(StrategyContext c) {
    try (TextTokenizer tok = c.tokenizer()) {
      return Imp.plan(
          c.model(),
          c.sites(),
          c.config().lora(),
          c.config().model().pooling(),
          c.trainData().get(0),
          c.evalData(),
          tok,
          c.config().training(),
          c.config().strategy(),
          c.out(),
          c.stop());
    }
  }
}
