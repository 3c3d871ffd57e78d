package dev.plora.engine.mask;

import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.Mask;
import dev.plora.engine.lora.TargetMasks;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * {@code shuffled}: another plan's kept count per matrix at new random positions — the control for
 * "which entries" against "how many per layer".
 */
final class ShuffledStrategy implements Strategy {
  @Override
  public String name() {
    return "shuffled";
  }

  @Override
  public Needs needs() {
    return new Needs(false, false, true, false);
  }

  @Override
  public MaskPlan plan(StrategyContext c) {
    return shuffle(c.reference(), TargetSites.find(c.model()), c.seed());
  }

  /** Same kept count per matrix as {@code from}, entries drawn anew with {@code seed}. */
  static MaskPlan shuffle(MaskPlan from, List<TargetSite> sites, long seed) {
    Map<String, TargetMasks> m = new LinkedHashMap<>();
    for (TargetMasks t : from.masks().byModule().values()) {
      Mask a =
          Mask.randomCount(
              t.a().rows(),
              t.a().cols(),
              t.a().kept().length,
              new Random(Objects.hash(seed, t.module(), "shuffled_A")));
      Mask b =
          Mask.randomCount(
              t.b().rows(),
              t.b().cols(),
              t.b().kept().length,
              new Random(Objects.hash(seed, t.module(), "shuffled_B")));
      m.put(t.module(), new TargetMasks(t.module(), a, b));
    }
    List<TargetSite> planned = sites.stream().filter(s -> m.containsKey(s.module())).toList();
    Map<String, Object> params =
        new LinkedHashMap<>(); // ordered: the plan's JSON is the same bytes every run
    params.put("from_strategy", from.strategy());
    params.put("from_seed", from.seed());
    return MaskPlan.of(
        "shuffled",
        params,
        seed,
        from.rank(),
        from.fewShotIndices(),
        planned,
        new AdapterMasks(m),
        null);
  }
}
