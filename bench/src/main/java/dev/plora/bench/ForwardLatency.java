package dev.plora.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.plora.engine.export.OrtRunner;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.runtime.GraphExecutor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * MiniLM forward latency, plora's runtime against ONNX Runtime Java on the same inputs in the same
 * process, and plora's forward+backward (all 36 LoRA-target weights trainable). The intra-op thread
 * count for both is {@code -Dai.djl.pytorch.num_threads} (PyTorch reads it once at start).
 *
 * <p>Usage: {@code ForwardLatency [batch] [seq] [warmup] [iterations]}, defaults 32 128 3 10.
 */
public final class ForwardLatency {
  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seq = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "2"));

    OnnxModel model = OnnxModel.load(DefaultModel.onnx());
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ours = new GraphExecutor(model, m);
        OrtRunner ort = new OrtRunner(model.toByteArray(), threads)) {
      Map<String, NDArray> feeds = tokens(m, batch, seq);

      double ortMs =
          median(
              warmup,
              iterations,
              () -> {
                try (NDManager step = m.newSubManager()) {
                  return time(() -> ort.run(step, feeds));
                }
              });
      double oursMs =
          median(
              warmup,
              iterations,
              () -> {
                try (NDManager step = m.newSubManager()) {
                  return time(() -> ours.run(step, feeds));
                }
              });
      ours.startProfiling();
      try (NDManager step = m.newSubManager()) {
        long t0 = System.nanoTime();
        ours.run(step, feeds);
        long total = System.nanoTime() - t0;
        StringBuilder where =
            new StringBuilder(
                "plora forward, time by op (one run, " + (total / 1_000_000) + " ms):");
        ours.profile()
            .forEach(
                (op, v) -> where.append(String.format(" %s %.0f ms (%d),", op, v[0] / 1e6, v[1])));
        System.err.println(where);
      }
      List<String> targets = TargetSites.find(model).stream().map(TargetSite::weightName).toList();
      ours.setTrainable(targets);
      double trainMs =
          median(
              warmup,
              iterations,
              () -> {
                try (NDManager step = m.newSubManager()) {
                  return time(
                      () -> {
                        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                          NDArray out = ours.run(step, feeds).get("last_hidden_state");
                          gc.backward(out.square().mean());
                        }
                        for (String t : targets) {
                          ours.parameter(t).getGradient().subi(ours.parameter(t).getGradient());
                        }
                        return null;
                      });
                }
              });
      System.out.printf(
          "| %d x %d | %d | %.1f | %.1f | %.2fx | %.1f | %.2fx |%n",
          batch, seq, threads, ortMs, oursMs, oursMs / ortMs, trainMs, trainMs / ortMs);
    }
  }

  /**
   * Random token ids, full attention (no padding), one segment: the same feeds for both runtimes.
   */
  private static Map<String, NDArray> tokens(NDManager m, int batch, int seq) {
    Random r = new Random(42);
    long[] ids = new long[batch * seq];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i % seq == 0 ? 101 : i % seq == seq - 1 ? 102 : 1000 + r.nextInt(29000);
    }
    long[] ones = new long[batch * seq];
    Arrays.fill(ones, 1);
    Map<String, NDArray> feeds = new LinkedHashMap<>();
    feeds.put("input_ids", m.create(ids, new Shape(batch, seq)));
    feeds.put("attention_mask", m.create(ones, new Shape(batch, seq)));
    feeds.put(
        "token_type_ids", m.zeros(new Shape(batch, seq), ai.djl.ndarray.types.DataType.INT64));
    return feeds;
  }

  private static double time(Supplier<?> work) {
    long t0 = System.nanoTime();
    work.get();
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(int warmup, int iterations, Supplier<Double> run) {
    for (int i = 0; i < warmup; i++) {
      run.get();
    }
    double[] t = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      t[i] = run.get();
    }
    Arrays.sort(t);
    return t[iterations / 2];
  }
}
