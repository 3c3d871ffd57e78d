package dev.plora.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.safetensors.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/** The masks of every adapted target, by module name, in graph order. */
public record AdapterMasks(Map<String, TargetMasks> byModule) {
  public AdapterMasks {
    byModule = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byModule));
  }

  /** All-ones masks: plain (dense) LoRA. */
  public static AdapterMasks dense(List<TargetSite> sites, int rank) {
    Map<String, TargetMasks> m = new LinkedHashMap<>();
    for (TargetSite s : sites) {
      m.put(
          s.module(),
          new TargetMasks(s.module(), Mask.dense(rank, s.in()), Mask.dense(s.out(), rank)));
    }
    return new AdapterMasks(m);
  }

  /** The same density in every target, entries chosen uniformly at random with {@code seed}. */
  public static AdapterMasks uniform(List<TargetSite> sites, int rank, double density, long seed) {
    Map<String, Double> d = new LinkedHashMap<>();
    sites.forEach(s -> d.put(s.module(), density));
    return atDensities(sites, rank, d, seed);
  }

  /**
   * Random masks at given per-target densities: a pure, seeded function (shapes, densities and seed
   * in, masks out). A and B of each target keep exactly {@code round(d·numel)} entries; density 1
   * is dense.
   */
  public static AdapterMasks atDensities(
      List<TargetSite> sites, int rank, Map<String, Double> density, long seed) {
    Map<String, TargetMasks> m = new LinkedHashMap<>();
    for (TargetSite s : sites) {
      Double d = density.get(s.module());
      if (d == null || !(d > 0 && d <= 1)) {
        throw new IllegalArgumentException(
            "the density of " + s.module() + " must be in (0, 1], got " + d);
      }
      Mask a =
          d >= 1
              ? Mask.dense(rank, s.in())
              : Mask.random(
                  rank, s.in(), d, new Random(Objects.hash(seed, s.module(), "lora_A_mask")));
      Mask b =
          d >= 1
              ? Mask.dense(s.out(), rank)
              : Mask.random(
                  s.out(), rank, d, new Random(Objects.hash(seed, s.module(), "lora_B_mask")));
      m.put(s.module(), new TargetMasks(s.module(), a, b));
    }
    return new AdapterMasks(m);
  }

  /**
   * Reads {@code <module>.lora_A_mask} and {@code <module>.lora_B_mask} for every site from a
   * safetensors file; a missing or misshapen mask is an error naming the module.
   */
  public static AdapterMasks load(Path file, List<TargetSite> sites, int rank, NDManager manager) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such masks file");
    }
    NDList list = Safetensors.read(file, manager);
    Map<String, TargetMasks> m = new LinkedHashMap<>();
    for (TargetSite s : sites) {
      Mask a = read(list, file, s.module() + ".lora_A_mask", rank, s.in());
      Mask b = read(list, file, s.module() + ".lora_B_mask", s.out(), rank);
      m.put(s.module(), new TargetMasks(s.module(), a, b));
    }
    return new AdapterMasks(m);
  }

  private static Mask read(NDList list, Path file, String name, long rows, long cols) {
    NDArray a = list.get(name);
    if (a == null) {
      throw new IllegalArgumentException(
          file + ": no tensor '" + name + "' (the masks must cover every target)");
    }
    if (a.getShape().dimension() != 2
        || a.getShape().get(0) != rows
        || a.getShape().get(1) != cols) {
      throw new IllegalArgumentException(
          file + ": '" + name + "' is " + a.getShape() + ", expected (" + rows + ", " + cols + ")");
    }
    Mask mask = Mask.fromValues(rows, cols, a.toType(DataType.FLOAT32, false).toFloatArray());
    if (mask.kept().length == 0) {
      throw new IllegalArgumentException(file + ": '" + name + "' keeps no entry");
    }
    return mask;
  }

  /** Kept adapter entries over all targets. */
  public long kept() {
    return byModule.values().stream().mapToLong(TargetMasks::kept).sum();
  }

  /** Adapter entries of dense LoRA on the same targets. */
  public long numel() {
    return byModule.values().stream().mapToLong(TargetMasks::numel).sum();
  }
}
