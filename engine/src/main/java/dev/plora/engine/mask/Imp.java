package dev.plora.engine.mask;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.base.Json;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.eval.Evaluator;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.LoraLayer;
import dev.plora.engine.lora.Mask;
import dev.plora.engine.lora.TargetMasks;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.train.Trainer;
import dev.plora.engine.train.TrainingStopped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Lottery tickets by iterative magnitude pruning: train, prune the {@code prune} fraction of the
 * smallest-magnitude surviving adapter entries (per matrix, or over all adapters at once), rewind
 * the survivors to their values at step {@code rewindStep} (0: initialisation; rebuilding with the
 * same seed gives the same initial values), and retrain; {@code rounds} times. Every round's plan
 * and metrics are kept under {@code round-N/}; the result is the plan after the last pruning.
 */
public final class Imp {
  private Imp() {}

  /**
   * Runs {@code strategy.rounds} rounds of train → prune → rewind; {@code training.seed} seeds
   * everything.
   *
   * @param eval each round's evaluation data (null: the training data)
   */
  public static MaskPlan plan(
      OnnxModel onnx,
      List<TargetSite> sites,
      LoraConfig lora,
      Pooling pooling,
      Dataset train,
      Dataset eval,
      TextTokenizer tokenizer,
      TrainingConfig training,
      StrategyConfig params,
      Path out,
      BooleanSupplier stop) {
    long seed = training.seed();
    LabelSet labels = LabelSet.of(train);
    AdapterMasks masks = AdapterMasks.dense(sites, lora.rank());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("rounds", params.rounds());
    p.put("prune", params.prune());
    p.put("scope", params.globalPrune() ? "global" : "per-matrix");
    p.put("rewind_step", params.rewindStep());
    try (NDManager keep = NDManager.newBaseManager()) {
      NDList[] rewind = new NDList[1];
      for (int round = 1; round <= params.rounds(); round++) {
        try (NDManager m = NDManager.newBaseManager();
            AdaptedModel model =
                new AdaptedModel(
                    onnx,
                    lora,
                    sites,
                    masks,
                    labels.size(),
                    pooling,
                    training.sparseLrScaling(),
                    seed,
                    m)) {
          if (rewind[0] != null) {
            model.loadAdapterTensors(
                rewind[0], "the round-1 snapshot at step " + params.rewindStep());
          }
          Trainer trainer = new Trainer(model, tokenizer, training, null, "imp");
          if (round == 1 && params.rewindStep() > 0) {
            trainer.onProgress(
                pr -> {
                  if (pr.step() == params.rewindStep()) {
                    NDList snapshot = model.adapterTensors(keep);
                    rewind[0] = snapshot;
                  }
                });
          }
          if (!trainer.stopWhen(stop).train(train, labels, false).completed()) {
            throw new TrainingStopped(
                "IMP stopped during round " + round + " of " + params.rounds());
          }
          Metrics metrics =
              Evaluator.evaluate(model, tokenizer, eval != null ? eval : train, labels, 32);
          Map<String, Object> roundParams = new LinkedHashMap<>(p);
          roundParams.put("round", round);
          MaskPlan trained =
              MaskPlan.of("imp", roundParams, seed, lora.rank(), new int[0], sites, masks, null);
          Path dir = out.resolve("round-" + round);
          trained.save(dir);
          writeMetrics(dir, metrics, trained);
          masks = prune(model, masks, params);
        }
      }
      MaskPlan result = MaskPlan.of("imp", p, seed, lora.rank(), new int[0], sites, masks, null);
      result.save(out);
      return result;
    }
  }

  /**
   * Removes the {@code prune} fraction of surviving entries with the smallest |value| (at least one
   * survives per matrix).
   */
  static AdapterMasks prune(AdaptedModel model, AdapterMasks masks, StrategyConfig params) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (LoraLayer l : model.layers().values()) {
      values.put(l.site().module() + "/A", l.a().denseValues());
      values.put(l.site().module() + "/B", l.b().denseValues());
    }
    double threshold = Double.NaN;
    if (params.globalPrune()) {
      List<Float> all = new ArrayList<>();
      for (TargetMasks t : masks.byModule().values()) {
        collect(all, values.get(t.module() + "/A"), t.a());
        collect(all, values.get(t.module() + "/B"), t.b());
      }
      float[] sorted = new float[all.size()];
      for (int i = 0; i < sorted.length; i++) {
        sorted[i] = all.get(i);
      }
      Arrays.sort(sorted);
      int cut = (int) Math.round(params.prune() * sorted.length);
      threshold = cut == 0 ? -1 : sorted[cut - 1];
    }
    Map<String, TargetMasks> next = new LinkedHashMap<>();
    for (TargetMasks t : masks.byModule().values()) {
      next.put(
          t.module(),
          new TargetMasks(
              t.module(),
              pruneOne(t.a(), values.get(t.module() + "/A"), params.prune(), threshold),
              pruneOne(t.b(), values.get(t.module() + "/B"), params.prune(), threshold)));
    }
    return new AdapterMasks(next);
  }

  private static void collect(List<Float> into, float[] dense, Mask mask) {
    for (long k : mask.kept()) {
      into.add(Math.abs(dense[(int) k]));
    }
  }

  /** Per matrix when {@code threshold} is NaN, else keeps entries above the global threshold. */
  private static Mask pruneOne(Mask mask, float[] dense, double fraction, double threshold) {
    long[] kept = mask.kept();
    Integer[] order = new Integer[kept.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Ascending |value|, ties by position, so pruning is deterministic.
    Arrays.sort(
        order,
        (x, y) -> {
          int c = Float.compare(Math.abs(dense[(int) kept[x]]), Math.abs(dense[(int) kept[y]]));
          return c != 0 ? c : Long.compare(kept[x], kept[y]);
        });
    int remove;
    if (Double.isNaN(threshold)) {
      remove = (int) Math.round(fraction * kept.length);
    } else {
      remove = 0;
      while (remove < order.length && Math.abs(dense[(int) kept[order[remove]]]) <= threshold) {
        remove++;
      }
    }
    remove = Math.min(remove, kept.length - 1);
    boolean[] drop = new boolean[kept.length];
    for (int i = 0; i < remove; i++) {
      drop[order[i]] = true;
    }
    long[] survivors =
        java.util.stream.IntStream.range(0, kept.length)
            .filter(i -> !drop[i])
            .mapToLong(i -> kept[i])
            .toArray();
    return new Mask(mask.rows(), mask.cols(), survivors);
  }

  private static void writeMetrics(Path dir, Metrics m, MaskPlan plan) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("accuracy", m.accuracy());
    json.put("macro_f1", m.macroF1());
    json.put("mcc", m.mcc());
    json.put("adapter_params", plan.adapterParams());
    json.put("dense_lora_params", plan.denseLoraParams());
    try {
      AtomicFiles.write(dir.resolve("metrics.json"), o -> Json.MAPPER.writeValue(o, json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
