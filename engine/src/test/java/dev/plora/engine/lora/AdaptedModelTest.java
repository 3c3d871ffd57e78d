package dev.plora.engine.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.runtime.GraphExecutor;
import dev.plora.engine.testing.Arrays2;
import dev.plora.engine.testing.RandomTokens;
import dev.plora.engine.testing.TinyBert;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaptedModelTest {
  private static final LoraConfig CONFIG = new LoraConfig(4, 8, 0, LoraConfig.DEFAULT_TARGETS);

  @Test
  void zeroInitializedBLeavesBaseOutputUnchanged() {
    OnnxModel onnx = TinyBert.small(1).build();
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), CONFIG.targets());
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor base = new GraphExecutor(onnx, m);
        AdaptedModel adapted =
            new AdaptedModel(
                onnx,
                CONFIG,
                sites,
                AdapterMasks.uniform(sites, 4, 0.5, 1),
                2,
                Pooling.MEAN,
                SparseLrScaling.INVERSE_DENSITY,
                1,
                m)) {
      Map<String, NDArray> feeds = RandomTokens.batch(m, new Random(2), 3, 6, 100);
      NDArray expected = base.run(m, feeds).get("last_hidden_state");
      NDArray actual = adapted.executor().run(m, feeds).get("last_hidden_state");
      assertThat(Arrays2.maxAbsDiff(expected, actual)).isEqualTo(0.0);
    }
  }

  @Test
  void nonZeroAdapterAddsScaledLowRankUpdate() {
    OnnxModel onnx = TinyBert.small(1).build();
    List<TargetSite> sites =
        TargetMatcher.select(
            TargetSites.find(onnx), List.of("encoder.layer.0.attention.self.query"));
    TargetSite q = sites.get(0);
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel adapted =
            new AdaptedModel(
                onnx,
                CONFIG,
                sites,
                AdapterMasks.dense(sites, 4),
                2,
                Pooling.MEAN,
                SparseLrScaling.NONE,
                1,
                m)) {
      LoraLayer layer = adapted.layers().get(q.module());
      float[] b = new float[(int) (q.out() * 4)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (i % 7) * 0.1f - 0.3f;
      }
      layer.b().load(b, m);
      Map<String, NDArray> feeds = RandomTokens.batch(m, new Random(3), 2, 5, 100);
      String in = "/embeddings/LayerNorm/Add_1_output_0";
      // The linear layer's output (bias added): the graph optimiser runs MatMul + Add as one
      // fused linear, which the adapter wraps.
      String out = "/encoder/layer.0/attention/self/query/Add_output_0";
      Map<String, NDArray> got = adapted.executor().run(m, feeds, List.of(in, out));
      NDArray x = got.get(in);
      NDArray w0 = adapted.executor().parameter(q.weightName());
      NDArray a = layer.a().dense(m);
      NDArray bb = layer.b().dense(m);
      // Plain-Java oracle over the same values: x·W0 + b + (alpha/r)·x·Aᵀ·Bᵀ.
      float[][] xs = rows(x.toFloatArray(), 10, 16);
      float[][] w = rows(w0.toFloatArray(), 16, 16);
      float[][] av = rows(a.toFloatArray(), 4, 16);
      float[][] bv = rows(bb.toFloatArray(), 16, 4);
      float[] bias = adapted.executor().parameter(q.module() + ".bias").toFloatArray();
      float[] actual = got.get(out).toFloatArray();
      for (int t = 0; t < 10; t++) {
        for (int o = 0; o < 16; o++) {
          double base = bias[o];
          double lora = 0;
          for (int i = 0; i < 16; i++) {
            base += xs[t][i] * w[i][o];
          }
          for (int k = 0; k < 4; k++) {
            double xa = 0;
            for (int i = 0; i < 16; i++) {
              xa += xs[t][i] * av[k][i];
            }
            lora += xa * bv[o][k];
          }
          assertThat((double) actual[t * 16 + o])
              .isCloseTo(base + 2.0 * lora, org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }
  }

  @Test
  void savedAdapterKeepsMaskedEntriesZeroAndCountsMatchTheMasks() {
    OnnxModel onnx = TinyBert.small(1).build();
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), CONFIG.targets());
    AdapterMasks masks = AdapterMasks.uniform(sites, 4, 0.25, 9);
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel adapted =
            new AdaptedModel(
                onnx,
                CONFIG,
                sites,
                masks,
                3,
                Pooling.FIRST,
                SparseLrScaling.INVERSE_DENSITY,
                1,
                m)) {
      NDList tensors = adapted.adapterTensors(m);
      for (TargetSite s : sites) {
        float[] a = tensors.get(s.module() + ".lora_A").toFloatArray();
        byte[] ma = tensors.get(s.module() + ".lora_A_mask").toByteArray();
        for (int i = 0; i < a.length; i++) {
          if (ma[i] == 0) {
            assertThat(a[i]).isEqualTo(0f);
          }
        }
        long keptA = masks.byModule().get(s.module()).a().kept().length;
        assertThat(keptA).isEqualTo(Math.round(0.25 * 4 * s.in()));
      }
      assertThat(adapted.adapterParameters()).isEqualTo(masks.kept());
      assertThat(adapted.headParameters()).isEqualTo(3 * 16 + 3);
      assertThat(adapted.denseLoraParameters())
          .isEqualTo(sites.stream().mapToLong(s -> 4 * (s.in() + s.out())).sum());
      long trainable = adapted.parameters().stream().mapToLong(Parameter::size).sum();
      assertThat(trainable).isEqualTo(masks.kept() + adapted.headParameters());
    }
  }

  @Test
  void badConfigurationsAreRejectedWithTheFieldAndValue() {
    assertThatThrownBy(() -> new LoraConfig(0, 16, 0, List.of("query")))
        .hasMessage("lora.rank must be in [1, 1024], got 0");
    assertThatThrownBy(() -> new LoraConfig(8, 16, 1.0, List.of("query")))
        .hasMessage("lora.dropout must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> new LoraConfig(8, 0, 0, List.of("query")))
        .hasMessage("lora.alpha must be > 0, got 0.0");
    assertThatThrownBy(() -> new LoraConfig(8, 16, 0, List.of()))
        .hasMessage("lora.targets must name at least one value, got []");
    OnnxModel onnx = TinyBert.small(1).build();
    List<TargetSite> sites = TargetSites.find(onnx);
    assertThatThrownBy(() -> TargetMatcher.select(sites, List.of("query", "gate_proj")))
        .hasMessageContaining("target pattern 'gate_proj' matches no module")
        .hasMessageContaining("encoder.layer.0.attention.self.query");
    assertThatThrownBy(() -> AdapterMasks.uniform(sites, 4, 0, 1))
        .hasMessage(
            "the density of encoder.layer.0.attention.self.query must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new MaskSource.Uniform(1.5, 1))
        .hasMessage("masks.density must be in (0, 1], got 1.5");
  }

  @Test
  void targetPatternsMatchExactSuffixAndRegexLikePeft() {
    assertThat(TargetMatcher.matches("query", "encoder.layer.0.attention.self.query")).isTrue();
    assertThat(TargetMatcher.matches("self.query", "encoder.layer.0.attention.self.query"))
        .isTrue();
    assertThat(TargetMatcher.matches("uery", "encoder.layer.0.attention.self.query")).isFalse();
    assertThat(
            TargetMatcher.matches("encoder.layer.0.output.dense", "encoder.layer.0.output.dense"))
        .isTrue();
    assertThat(
            TargetMatcher.matches(
                "re:.*layer\\.[01]\\..*dense", "encoder.layer.1.intermediate.dense"))
        .isTrue();
    assertThat(
            TargetMatcher.matches(
                "re:.*layer\\.[01]\\..*dense", "encoder.layer.2.intermediate.dense"))
        .isFalse();
  }

  @Test
  void masksKeepExactlyRoundedDensityAndDependOnTheSeed() {
    Mask a = Mask.random(8, 384, 0.3, new Random(1));
    Mask b = Mask.random(8, 384, 0.3, new Random(1));
    Mask c = Mask.random(8, 384, 0.3, new Random(2));
    assertThat(a.kept()).hasSize((int) Math.round(0.3 * 8 * 384));
    assertThat(a.kept()).isEqualTo(b.kept());
    assertThat(a.kept()).isNotEqualTo(c.kept());
  }

  private static float[][] rows(float[] flat, int r, int c) {
    float[][] out = new float[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, out[i], 0, c);
    }
    return out;
  }
}
