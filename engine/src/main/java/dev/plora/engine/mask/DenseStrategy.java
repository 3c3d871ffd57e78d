package dev.plora.engine.mask;

import dev.plora.engine.lora.AdapterMasks;
import java.util.Map;

/** {@code dense}: all ones, plain LoRA — the baseline. */
final class DenseStrategy implements Strategy {
  @Override
  public String name() {
    return "dense";
  }

  @Override
  public Needs needs() {
    return Needs.NOTHING;
  }

  @Override
  public MaskPlan plan(StrategyContext c) {
    return MaskPlan.of(
        name(),
        Map.of(),
        0,
        c.rank(),
        new int[0],
        c.sites(),
        AdapterMasks.dense(c.sites(), c.rank()),
        null);
  }
}
