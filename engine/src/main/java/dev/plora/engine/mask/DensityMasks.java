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

/** Random masks at given per-target densities: a pure, seeded function (shapes + densities + seed in, masks out). */
public final class DensityMasks {
  private DensityMasks() {}

  public static AdapterMasks of(List<TargetSite> sites, int rank, Map<String, Double> density, long seed) {
    Map<String, TargetMasks> m = new LinkedHashMap<>();
    for (TargetSite s : sites) {
      double d = density.get(s.module());
      Mask a = d >= 1 ? Mask.dense(rank, s.in())
          : Mask.random(rank, s.in(), d, new Random(Objects.hash(seed, s.module(), "lora_A_mask")));
      Mask b = d >= 1 ? Mask.dense(s.out(), rank)
          : Mask.random(s.out(), rank, d, new Random(Objects.hash(seed, s.module(), "lora_B_mask")));
      m.put(s.module(), new TargetMasks(s.module(), a, b));
    }
    return new AdapterMasks(m);
  }
}
