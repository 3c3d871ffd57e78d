package dev.plora.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.export.ExportFormat;
import dev.plora.engine.export.ExportRun;
import dev.plora.engine.export.OrtRunner;
import dev.plora.engine.model.DefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Export sizes of the three formats for trained MiniLM runs, and ONNX Runtime latency of a merged
 * export against the base model on the same inputs, interleaved run by run with the order
 * alternated (the first of each pair was measured faster), so drift and position hit both alike.
 *
 * <p>Usage: {@code ExportBench OUT_DIR RUN... } (the first run's merged model is timed).
 */
public final class ExportBench {
  private static double timed(OrtRunner runner, NDManager m, Map<String, NDArray> feeds) {
    long t0 = System.nanoTime();
    runner.run(m, feeds);
    return (System.nanoTime() - t0) / 1e6;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    System.out.println(
        "| run | adapter params | onnx-merged bytes | peft bytes | sparse fp32 bytes | sparse fp16 bytes |");
    System.out.println("|---|---|---|---|---|---|");
    Path firstMerged = null;
    for (int i = 1; i < args.length; i++) {
      Path run = Path.of(args[i]);
      String name = run.getFileName().toString();
      long merged =
          ExportRun.execute(
                  run, ExportFormat.ONNX_MERGED, out.resolve(name + ".onnx"), null, true, false)
              .bytes();
      long peft =
          ExportRun.execute(run, ExportFormat.PEFT, out.resolve(name + "-peft"), null, true, false)
              .bytes();
      long sparse =
          ExportRun.execute(
                  run, ExportFormat.SPARSE, out.resolve(name + "-sparse"), null, true, false)
              .bytes();
      long half =
          ExportRun.execute(
                  run, ExportFormat.SPARSE, out.resolve(name + "-sparse16"), null, true, true)
              .bytes();
      String metrics = Files.readString(run.resolve("metrics.json"));
      String kept = metrics.replaceAll("(?s).*\"adapter_params\" : (\\d+).*", "$1");
      System.out.printf(
          "| %s | %,d | %,d | %,d | %,d | %,d |%n",
          name, Long.parseLong(kept), merged, peft, sparse, half);
      if (firstMerged == null) {
        firstMerged = out.resolve(name + ".onnx");
      }
    }
    int threads = Integer.parseInt(System.getProperty("threads", "2"));
    try (NDManager m = NDManager.newBaseManager();
        OrtRunner base = new OrtRunner(Files.readAllBytes(DefaultModel.onnx()), threads);
        OrtRunner merged = new OrtRunner(Files.readAllBytes(firstMerged), threads)) {
      Map<String, NDArray> feeds = new LinkedHashMap<>();
      Random r = new Random(3);
      long[] ids = new long[32 * 128];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 1000 + r.nextInt(29000);
      }
      feeds.put("input_ids", m.create(ids, new Shape(32, 128)));
      feeds.put("attention_mask", m.ones(new Shape(32, 128), DataType.INT64));
      feeds.put("token_type_ids", m.zeros(new Shape(32, 128), DataType.INT64));
      int iterations = 16;
      double[] tb = new double[iterations];
      double[] tm = new double[iterations];
      for (int i = -4; i < iterations; i++) { // 4 warm-up rounds
        // Alternate which model runs first: the first run of each pair was measured faster,
        // whichever it was.
        boolean baseFirst = (i & 1) == 0;
        try (NDManager step = m.newSubManager()) {
          double first = timed(baseFirst ? base : merged, step, feeds);
          double second = timed(baseFirst ? merged : base, step, feeds);
          if (i >= 0) {
            tb[i] = baseFirst ? first : second;
            tm[i] = baseFirst ? second : first;
          }
        }
      }
      Arrays.sort(tb);
      Arrays.sort(tm);
      System.out.printf(
          "%nONNX Runtime, batch 32 x 128, %d threads, median of %d runs, order alternated: base %.1f ms,"
              + " merged (adapters + head) %.1f ms, merged/base %.3fx (spread base %.1f-%.1f ms, merged %.1f-%.1f ms)%n",
          threads,
          iterations,
          tb[iterations / 2],
          tm[iterations / 2],
          tm[iterations / 2] / tb[iterations / 2],
          tb[0],
          tb[iterations - 1],
          tm[0],
          tm[iterations - 1]);
    }
  }
}
