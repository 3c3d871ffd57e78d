package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.export.OrtRunner;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.Arrays2;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Integration: the real all-MiniLM-L6-v2 in plora's runtime against ONNX Runtime on the same
 * tokens.
 */
class MiniLmParityTest {
  private static final List<String> TEXTS =
      List.of(
          "The service was quick and the food was excellent.",
          "Terrible.",
          "I would not recommend this hotel to anyone who values a quiet night's sleep, the walls are thin.",
          "Spam: you have WON a free cruise, click here now!!!",
          "ok");

  private static NDManager manager;
  private static OnnxModel model;
  private static GraphExecutor executor;
  private static OrtRunner ort;
  private static TextTokenizer tokenizer;

  @BeforeAll
  static void load() {
    manager = NDManager.newBaseManager();
    model = OnnxModel.load(DefaultModel.onnx());
    executor = new GraphExecutor(model, manager);
    ort = new OrtRunner(model.toByteArray());
    tokenizer = TextTokenizer.load(DefaultModel.tokenizer(), 48);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
    ort.close();
    executor.close();
    manager.close();
  }

  @Test
  void everyOutputMatchesOnnxRuntimeForSeveralBatchSizesWithPadding() {
    for (int batch : new int[] {1, 2, 5}) {
      for (int offset : new int[] {0, 1}) {
        List<String> texts = TEXTS.subList(offset, Math.min(TEXTS.size(), offset + batch));
        if (texts.size() < batch && offset > 0) {
          continue;
        }
        TokenizedBatch tokens = tokenizer.encode(texts);
        try (NDManager m = manager.newSubManager()) {
          Map<String, NDArray> feeds = feedsFor(tokens, m);
          Map<String, NDArray> ours = executor.run(m, feeds);
          Map<String, NDArray> theirs = ort.run(m, feeds);
          assertThat(ours.keySet()).containsExactlyElementsOf(theirs.keySet());
          for (String name : theirs.keySet()) {
            double diff = Arrays2.maxAbsDiff(theirs.get(name), ours.get(name));
            assertThat(diff)
                .as(
                    "output %s, batch %d x %d tokens",
                    name, tokens.batchSize(), tokens.sequenceLength())
                .isLessThanOrEqualTo(1e-4);
          }
        }
      }
    }
  }

  @Test
  void aLoraTargetWeightGetsAFiniteNonZeroGradient() {
    String weight = dev.plora.engine.lora.TargetSites.find(model).get(0).weightName();
    TokenizedBatch tokens = tokenizer.encode(TEXTS.subList(0, 2));
    try (NDManager m = manager.newSubManager()) {
      NDArray w = executor.parameter(weight);
      executor.setTrainable(List.of(weight));
      try (ai.djl.training.GradientCollector gc = manager.getEngine().newGradientCollector()) {
        Map<String, NDArray> out = executor.run(m, feedsFor(tokens, m));
        NDArray loss = out.values().iterator().next().square().sum();
        gc.backward(loss);
      }
      float[] grad = w.getGradient().toFloatArray();
      double norm = 0;
      for (float g : grad) {
        assertThat(Float.isFinite(g)).isTrue();
        norm += g * g;
      }
      assertThat(norm).isGreaterThan(0);
    }
  }

  static Map<String, NDArray> feedsFor(TokenizedBatch tokens, NDManager m) {
    Map<String, NDArray> all = tokens.toArrays(m);
    Map<String, NDArray> feeds = new LinkedHashMap<>();
    for (String name : executor.inputNames()) {
      feeds.put(name, all.get(name));
    }
    return feeds;
  }
}
