package dev.plora.bench;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.train.Trainer;
import dev.plora.engine.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * plora's training throughput on MiniLM (r=8 on all 36 target MatMuls, the real Trainer), with
 * texts long enough that every row is truncated to exactly SEQ tokens, as the PyTorch reference
 * feeds. Prints one JSON line like bench/torch_reference.py.
 *
 * <p>Usage: {@code TrainThroughput BATCH SEQ STEPS DENSITY}.
 */
public final class TrainThroughput {
  private static final String[] WORDS = {
    "the",
    "service",
    "was",
    "quick",
    "and",
    "food",
    "excellent",
    "room",
    "quiet",
    "staff",
    "friendly",
    "price",
    "fair",
    "view",
    "city",
    "night",
    "morning",
    "coffee",
    "late",
    "again"
  };

  public static void main(String[] args) throws Exception {
    int batch = Integer.parseInt(args[0]);
    int seq = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    double density = Double.parseDouble(args[3]);
    Random r = new Random(1);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < batch * steps; i++) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < seq * 2; w++) {
        text.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
      }
      examples.add(new Example(text.toString(), null, i % 2 == 0 ? "a" : "b", i + 1));
    }
    Dataset data = new Dataset(Path.of("synthetic"), examples);
    OnnxModel onnx = OnnxModel.load(DefaultModel.onnx());
    LoraConfig lora = LoraConfig.DEFAULTS;
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), lora.targets());
    List<Long> ends = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager();
        TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), seq);
        AdaptedModel model =
            new AdaptedModel(
                onnx,
                lora,
                sites,
                AdapterMasks.uniform(sites, 8, density, 1),
                2,
                Pooling.MEAN,
                SparseLrScaling.INVERSE_DENSITY,
                1,
                m)) {
      TrainingResult result =
          new Trainer(
                  model,
                  tok,
                  TrainingConfig.builder()
                      .epochs(1)
                      .batchSize(batch)
                      .warmupRatio(0)
                      .seed(1)
                      .build(),
                  null,
                  "bench")
              .onProgress(p -> ends.add(System.nanoTime()))
              .train(data, LabelSet.of(data), false);
      double seconds =
          (ends.get(ends.size() - 1) - ends.get(1))
              / 1e9; // steps 3.. are timed, as in the reference
      String status = new String(Files.readAllBytes(Path.of("/proc/self/status")));
      long hwmKb = Long.parseLong(status.replaceAll("(?s).*VmHWM:\\s+(\\d+) kB.*", "$1"));
      System.out.printf(
          "{\"examples_per_second\": %.3f, \"optimizer_state_bytes\": %d, \"peak_rss_mb\": %.0f}%n",
          batch * (ends.size() - 2) / seconds, result.optimizerStateBytes(), hwmKb / 1024.0);
    }
  }
}
