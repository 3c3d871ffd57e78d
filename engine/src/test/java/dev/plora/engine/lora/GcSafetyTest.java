package dev.plora.engine.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.TinyTask;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression for a use-after-free: DJL wraps host data in tensors without copying, and its scalar
 * arithmetic closes such wrappers while autograd still holds them, so a garbage collection between
 * forward and backward let the backward pass read freed memory (seen as nondeterministic NaN
 * gradients mid-training). Here the collector runs and the freed memory is refilled with NaN before
 * backward: the gradients must be exactly those of an undisturbed step.
 */
class GcSafetyTest {
  @Test
  void gradientsAreIdenticalWhenGarbageIsCollectedBetweenForwardAndBackward() throws Exception {
    OnnxModel onnx = TinyTask.model(9);
    LoraConfig lora = new LoraConfig(4, 8, 0, LoraConfig.DEFAULT_TARGETS);
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), lora.targets());
    try (NDManager m = NDManager.newBaseManager();
        TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16);
        AdaptedModel model =
            new AdaptedModel(
                onnx,
                lora,
                sites,
                AdapterMasks.uniform(sites, 4, 0.5, 1),
                3,
                Pooling.MEAN,
                SparseLrScaling.INVERSE_DENSITY,
                2,
                m)) {
      // Non-zero B so that every adapter receives gradient.
      for (LoraLayer l : model.layers().values()) {
        float[] b = new float[(int) l.b().mask().numel()];
        java.util.Arrays.fill(b, 0.01f);
        l.b().load(b, m);
      }
      TokenizedBatch batch =
          tok.encode(List.of("the room was lovely", "awful food", "quite good view and staff"));
      Map<String, float[]> calm = gradients(model, batch, false);
      for (int attempt = 0; attempt < 3; attempt++) {
        Map<String, float[]> churned = gradients(model, batch, true);
        for (Map.Entry<String, float[]> e : calm.entrySet()) {
          assertThat(churned.get(e.getKey()))
              .as("gradient of %s, attempt %d", e.getKey(), attempt)
              .isEqualTo(e.getValue());
        }
      }
    }
  }

  private static Map<String, float[]> gradients(
      AdaptedModel model, TokenizedBatch batch, boolean churn) throws InterruptedException {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager step = model.manager().newSubManager()) {
      try (GradientCollector gc = step.getEngine().newGradientCollector()) {
        NDArray logits = model.logits(step, batch);
        NDArray loss = ClassificationHead.loss(logits, step.create(new long[] {0, 1, 2}));
        if (churn) {
          churnNativeMemory();
        }
        gc.backward(loss);
      }
      for (Parameter p : model.parameters()) {
        out.put(p.name(), p.value().getGradient().toFloatArray());
      }
    }
    // Fresh leaves, so the next call does not accumulate onto these gradients.
    model.parameters().forEach(p -> p.set(p.value()));
    return out;
  }

  /**
   * Collects garbage (running direct-buffer cleaners), then fills small native allocations with
   * NaN.
   */
  private static void churnNativeMemory() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
    List<ByteBuffer> junk = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 4) * 4).order(ByteOrder.nativeOrder());
      while (b.remaining() >= 4) {
        b.putFloat(Float.NaN);
      }
      junk.add(b);
    }
    assertThat(junk).hasSize(20_000);
  }
}
