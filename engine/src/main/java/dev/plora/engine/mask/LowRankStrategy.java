package dev.plora.engine.mask;

import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code low-rank}: dense LoRA at the largest rank whose parameter count fits another plan's
 * budget.
 */
final class LowRankStrategy implements Strategy {
  @Override
  public String name() {
    return "low-rank";
  }

  @Override
  public Needs needs() {
    return new Needs(false, false, true, false);
  }

  @Override
  public MaskPlan plan(StrategyContext c) {
    return lowRank(c.reference(), TargetSites.find(c.model()));
  }

  /**
   * Dense LoRA at the largest rank whose adapter parameters are at most {@code from}'s kept
   * entries.
   */
  static MaskPlan lowRank(MaskPlan from, List<TargetSite> sites) {
    List<TargetSite> planned =
        sites.stream().filter(s -> from.masks().byModule().containsKey(s.module())).toList();
    long perRank = planned.stream().mapToLong(s -> s.in() + s.out()).sum();
    int rank = (int) (from.adapterParams() / perRank);
    if (rank < 1) {
      throw new IllegalArgumentException(
          "the plan keeps "
              + from.adapterParams()
              + " entries, fewer than rank 1 needs ("
              + perRank
              + "); no low-rank control fits its budget");
    }
    Map<String, Object> params =
        new LinkedHashMap<>(); // ordered: the plan's JSON is the same bytes every run
    params.put("from_strategy", from.strategy());
    params.put("budget", from.adapterParams());
    return MaskPlan.of(
        "low-rank", params, 0, rank, new int[0], planned, AdapterMasks.dense(planned, rank), null);
  }
}
