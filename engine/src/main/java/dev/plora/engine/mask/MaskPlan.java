package dev.plora.engine.mask;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetMasks;
import dev.plora.engine.lora.TargetSite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A mask plan: per-target densities and masks with everything that produced them, saved as a
 * directory holding {@code plan.json} (format {@code plora-mask-plan}, version 1) and {@code
 * masks.safetensors} ({@code <module>.lora_A_mask}, {@code <module>.lora_B_mask}, uint8 0/1), which
 * {@code plora train --masks} reads.
 *
 * @param parameters the strategy's parameters (tau, few-shot k, d_min, density, …)
 * @param fewShotIndices training-set indices the strategy looked at (empty when it used no data)
 */
public record MaskPlan(
    String strategy,
    Map<String, Object> parameters,
    long seed,
    int rank,
    int[] fewShotIndices,
    List<TargetPlan> targets,
    AdapterMasks masks) {
  public static final String FORMAT = "plora-mask-plan";
  public static final int VERSION = 1;
  public static final String PLAN = "plan.json";
  public static final String MASKS = "masks.safetensors";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The JSON form: the plan without the masks, plus totals. */
  record Document(
      String format,
      int version,
      String strategy,
      Map<String, Object> parameters,
      long seed,
      int rank,
      int[] fewShotIndices,
      List<TargetPlan> targets,
      long adapterParams,
      long denseLoraParams,
      double reduction) {}

  public long adapterParams() {
    return masks.kept();
  }

  public long denseLoraParams() {
    return masks.numel();
  }

  /** Fraction of dense-LoRA adapter parameters the plan does not train. */
  public double reduction() {
    return 1 - adapterParams() / (double) denseLoraParams();
  }

  /**
   * Builds a plan from masks, deriving each target's counts; {@code extra} adds k_t, p and energy
   * share.
   */
  static MaskPlan of(
      String strategy,
      Map<String, Object> parameters,
      long seed,
      int rank,
      int[] fewShot,
      List<TargetSite> sites,
      AdapterMasks masks,
      Map<String, TaskEnergy.Result> energy) {
    List<TargetPlan> targets =
        sites.stream()
            .map(
                s -> {
                  TargetMasks m = masks.byModule().get(s.module());
                  TaskEnergy.Result e = energy == null ? null : energy.get(s.module());
                  return new TargetPlan(
                      s.module(),
                      s.in(),
                      s.out(),
                      m.a().density(),
                      m.a().kept().length,
                      m.b().kept().length,
                      e == null ? null : e.k(),
                      e == null ? null : e.p(),
                      e == null ? null : e.topShare());
                })
            .toList();
    return new MaskPlan(strategy, parameters, seed, rank, fewShot, targets, masks);
  }

  public void save(Path dir) {
    try {
      Files.createDirectories(dir);
      try (NDManager m = NDManager.newBaseManager()) {
        NDList list = new NDList();
        for (TargetMasks t : masks.byModule().values()) {
          list.add(t.a().toTensor(m, t.module() + ".lora_A_mask"));
          list.add(t.b().toTensor(m, t.module() + ".lora_B_mask"));
        }
        AtomicFiles.write(dir.resolve(MASKS), out -> list.encode(out, NDList.Encoding.SAFETENSORS));
      }
      Document doc =
          new Document(
              FORMAT,
              VERSION,
              strategy,
              parameters,
              seed,
              rank,
              fewShotIndices,
              targets,
              adapterParams(),
              denseLoraParams(),
              reduction());
      AtomicFiles.write(dir.resolve(PLAN), out -> JSON.writeValue(out, doc));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plan to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Loads a plan directory written by {@link #save}; sites give the targets' shapes. */
  public static MaskPlan load(Path dir, List<TargetSite> sites, NDManager manager) {
    Path file = dir.resolve(PLAN);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(dir + ": not a mask plan (no " + PLAN + ")");
    }
    Document doc;
    try {
      doc = JSON.readValue(file.toFile(), Document.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": malformed plan: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(doc.format()) || doc.version() != VERSION) {
      throw new IllegalArgumentException(
          file
              + ": format "
              + doc.format()
              + " version "
              + doc.version()
              + " is not "
              + FORMAT
              + " version "
              + VERSION);
    }
    List<String> modules = doc.targets().stream().map(TargetPlan::module).toList();
    List<TargetSite> planned = sites.stream().filter(s -> modules.contains(s.module())).toList();
    if (planned.size() != modules.size()) {
      throw new IllegalArgumentException(
          file + ": the plan's targets " + modules + " are not all in the model");
    }
    AdapterMasks masks = AdapterMasks.load(dir.resolve(MASKS), planned, doc.rank(), manager);
    return new MaskPlan(
        doc.strategy(),
        doc.parameters(),
        doc.seed(),
        doc.rank(),
        doc.fewShotIndices(),
        doc.targets(),
        masks);
  }

  /** The rank recorded in a plan directory, without loading its masks. */
  public static int rankOf(Path dir) {
    try {
      return JSON.readValue(dir.resolve(PLAN).toFile(), Document.class).rank();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          dir.resolve(PLAN) + ": malformed plan: " + e.getMessage(), e);
    }
  }
}
