package dev.plora.engine.mask;

import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.Mask;
import dev.plora.engine.lora.TargetMasks;
import dev.plora.engine.lora.TargetSite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The data-free strategies: {@code dense} (plain LoRA), {@code uniform} (one density everywhere),
 * {@code shuffled} (another plan's per-target counts at new random positions: the control for "which
 * entries" against "how many per layer") and {@code low-rank} (dense LoRA at the largest rank whose
 * parameter count fits another plan's budget).
 */
public final class Strategies {
  private Strategies() {}

  public static MaskPlan dense(List<TargetSite> sites, int rank) {
    return MaskPlan.of("dense", Map.of(), 0, rank, new int[0], sites, AdapterMasks.dense(sites, rank), null);
  }

  public static MaskPlan uniform(List<TargetSite> sites, int rank, double density, long seed) {
    if (!(density > 0 && density <= 1)) {
      throw new IllegalArgumentException("--density must be in (0, 1], got " + density);
    }
    Map<String, Double> d = new LinkedHashMap<>();
    sites.forEach(s -> d.put(s.module(), density));
    return MaskPlan.of("uniform", Map.of("density", density), seed, rank, new int[0], sites,
        DensityMasks.of(sites, rank, d, seed), null);
  }

  /** Same kept count per matrix as {@code from}, entries drawn anew with {@code seed}. */
  public static MaskPlan shuffled(MaskPlan from, List<TargetSite> sites, long seed) {
    Map<String, TargetMasks> m = new LinkedHashMap<>();
    for (TargetMasks t : from.masks().byModule().values()) {
      Mask a = Mask.randomCount(t.a().rows(), t.a().cols(), t.a().kept().length,
          new Random(Objects.hash(seed, t.module(), "shuffled_A")));
      Mask b = Mask.randomCount(t.b().rows(), t.b().cols(), t.b().kept().length,
          new Random(Objects.hash(seed, t.module(), "shuffled_B")));
      m.put(t.module(), new TargetMasks(t.module(), a, b));
    }
    List<TargetSite> planned = sites.stream().filter(s -> m.containsKey(s.module())).toList();
    return MaskPlan.of("shuffled", ordered("from_strategy", from.strategy(), "from_seed", from.seed()), seed,
        from.rank(), from.fewShotIndices(), planned, new AdapterMasks(m), null);
  }

  /** Dense LoRA at the largest rank whose adapter parameters are at most {@code from}'s kept entries. */
  public static MaskPlan lowRank(MaskPlan from, List<TargetSite> sites) {
    List<TargetSite> planned = sites.stream().filter(s -> from.masks().byModule().containsKey(s.module())).toList();
    long perRank = planned.stream().mapToLong(s -> s.in() + s.out()).sum();
    int rank = (int) (from.adapterParams() / perRank);
    if (rank < 1) {
      throw new IllegalArgumentException("the plan keeps " + from.adapterParams() + " entries, fewer than rank 1 needs ("
          + perRank + "); no low-rank control fits its budget");
    }
    return MaskPlan.of("low-rank", ordered("from_strategy", from.strategy(), "budget", from.adapterParams()), 0, rank,
        new int[0], planned, AdapterMasks.dense(planned, rank), null);
  }

  /** Parameters in a fixed order, so a plan's JSON is the same bytes on every run ({@code Map.of} iterates in a random order). */
  private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
