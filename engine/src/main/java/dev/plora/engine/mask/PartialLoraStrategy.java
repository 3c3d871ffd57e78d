package dev.plora.engine.mask;

import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.data.TextTokenizer;

/**
 * {@code partial-lora}: each target's density from the task subspace of its pretrained weight
 * ({@link PartialLora}); several training sets give a multi-task plan.
 */
final class PartialLoraStrategy implements Strategy {
  @Override
  public String name() {
    return "partial-lora";
  }

  @Override
  public Needs needs() {
    return new Needs(true, false, false, false);
  }

  @Override
  public MaskPlan plan(StrategyContext c) {
    StrategyConfig s = c.config().strategy();
    try (TextTokenizer tok = c.tokenizer()) {
      return PartialLora.plan(
          c.model(),
          c.sites(),
          c.rank(),
          c.trainData(),
          tok,
          s.tau(),
          s.fewShot(),
          s.dMinFor(c.rank()),
          c.seed());
    }
  }
}
