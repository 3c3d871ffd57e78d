package dev.plora.engine.mask;

import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetSite;
import java.util.List;
import java.util.Map;

/** {@code uniform}: the same density in every target, entries chosen uniformly at random. */
final class UniformStrategy implements Strategy {
  @Override
  public String name() {
    return "uniform";
  }

  @Override
  public Needs needs() {
    return new Needs(false, false, false, true);
  }

  @Override
  public MaskPlan plan(StrategyContext c) {
    return plan(c.sites(), c.rank(), c.config().strategy().density(), c.seed());
  }

  static MaskPlan plan(List<TargetSite> sites, int rank, double density, long seed) {
    return MaskPlan.of(
        "uniform",
        Map.of("density", density),
        seed,
        rank,
        new int[0],
        sites,
        AdapterMasks.uniform(sites, rank, density, seed),
        null);
  }
}
