package dev.plora.engine.mask;

import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Sampling;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Partial-LoRA: each target's density from the task-relevant subspace of its pretrained weight. On a
 * few-shot subset (k examples per label) the frozen model's inputs to every target are captured
 * ({@link ActivationGrams}); {@link TaskEnergy} gives k_t at threshold τ; the density is
 * {@code clamp(k_t / p, d_min, 1)} and A and B each keep exactly {@code round(d·numel)} random entries.
 * Several training sets (multi-task) give each target the largest density any task needs.
 */
public final class PartialLora {
  /** Parameters, validated: τ in (0, 1], k ≥ 1, d_min in (0, 1]. */
  public record Params(double tau, int fewShot, double dMin, long seed) {
    public Params {
      if (!(tau > 0 && tau <= 1)) {
        throw new IllegalArgumentException("--tau must be in (0, 1], got " + tau);
      }
      if (fewShot < 1) {
        throw new IllegalArgumentException("--few-shot must be >= 1, got " + fewShot);
      }
      if (!(dMin > 0 && dMin <= 1)) {
        throw new IllegalArgumentException("--d-min must be in (0, 1], got " + dMin);
      }
    }
  }

  private PartialLora() {}

  public static MaskPlan plan(OnnxModel model, List<TargetSite> sites, int rank, List<Dataset> tasks,
      TextTokenizer tokenizer, Params params) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("partial-lora needs at least one training set");
    }
    Map<String, Double> density = new LinkedHashMap<>();
    Map<String, TaskEnergy.Result> chosen = new LinkedHashMap<>();
    List<int[]> fewShot = new ArrayList<>();
    for (Dataset task : tasks) {
      int[] idx = Sampling.fewShot(task, params.fewShot(), params.seed());
      fewShot.add(idx);
      Map<String, double[]> grams = ActivationGrams.capture(model, sites, task.subset(idx), tokenizer, 16);
      for (TargetSite s : sites) {
        float[] w = TensorCodec.decodeFloats(model.initializers().get(s.weightName()));
        TaskEnergy.Result e = TaskEnergy.of(w, (int) s.in(), (int) s.out(), grams.get(s.module()), params.tau());
        double d = e.density(params.dMin());
        if (!density.containsKey(s.module()) || d > density.get(s.module())) {
          density.put(s.module(), d);
          chosen.put(s.module(), e);
        }
      }
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("tau", params.tau());
    p.put("few_shot", params.fewShot());
    p.put("d_min", params.dMin());
    p.put("tasks", tasks.stream().map(t -> t.source().toString()).toList());
    if (tasks.size() > 1) {
      p.put("few_shot_indices_per_task", fewShot);
    }
    return MaskPlan.of("partial-lora", p, params.seed(), rank, fewShot.get(0), sites,
        DensityMasks.of(sites, rank, density, params.seed()), chosen);
  }
}
