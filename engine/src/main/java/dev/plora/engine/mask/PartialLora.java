package dev.plora.engine.mask;

import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Sampling;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Partial-LoRA: each target's density from the task-relevant subspace of its pretrained weight. On
 * a few-shot subset (k examples per label) the frozen model's inputs to every target are captured
 * ({@link ActivationGrams}); {@link TaskEnergy} gives k_t at threshold τ; the density is {@code
 * clamp(k_t / p, d_min, 1)} and A and B each keep exactly {@code round(d·numel)} random entries.
 * Several training sets (multi-task) give each target the largest density any task needs.
 */
public final class PartialLora {
  private PartialLora() {}

  /**
   * @param tau share of the task energy the kept directions reach, in (0, 1]
   * @param fewShot examples per label
   * @param dMin density floor
   */
  public static MaskPlan plan(
      OnnxModel model,
      List<TargetSite> sites,
      int rank,
      List<Dataset> tasks,
      TextTokenizer tokenizer,
      double tau,
      int fewShot,
      double dMin,
      long seed) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("partial-lora needs at least one training set");
    }
    Map<String, Double> density = new LinkedHashMap<>();
    Map<String, TaskEnergy.Result> chosen = new LinkedHashMap<>();
    List<int[]> shots = new ArrayList<>();
    for (Dataset task : tasks) {
      int[] idx = Sampling.fewShot(task, fewShot, seed);
      shots.add(idx);
      Map<String, double[]> grams =
          ActivationGrams.capture(model, sites, task.subset(idx), tokenizer, 16);
      for (TargetSite s : sites) {
        float[] w = TensorCodec.decodeFloats(model.initializers().get(s.weightName()));
        TaskEnergy.Result e =
            TaskEnergy.of(w, (int) s.in(), (int) s.out(), grams.get(s.module()), tau);
        double d = e.density(dMin);
        if (!density.containsKey(s.module()) || d > density.get(s.module())) {
          density.put(s.module(), d);
          chosen.put(s.module(), e);
        }
      }
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("tau", tau);
    p.put("few_shot", fewShot);
    p.put("d_min", dMin);
    p.put("tasks", tasks.stream().map(t -> t.source().toString()).toList());
    if (tasks.size() > 1) {
      p.put("few_shot_indices_per_task", shots);
    }
    return MaskPlan.of(
        "partial-lora",
        p,
        seed,
        rank,
        shots.get(0),
        sites,
        AdapterMasks.atDensities(sites, rank, density, seed),
        chosen);
  }
}
