package dev.plora.engine.runtime.optimize;

import static dev.plora.engine.onnx.GraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.plora.engine.onnx.GraphBuilder;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.GraphExecutor;
import dev.plora.engine.runtime.kernel.OpRegistry;
import dev.plora.engine.testing.RandomTokens;
import dev.plora.engine.testing.TinyBert;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each pass on generated graphs: what it replaces, and that outputs and gradients are those of the
 * decomposed graph.
 */
class GraphOptimizerTest {
  /** A tiny BERT at opset 11: decomposed layer norms and erf GELUs, as MiniLM's export has them. */
  static final OnnxModel TINY = new TinyBert(50, 16, 2, 2, 32, 16, 11, false, 5).build();

  static final List<String> TRAINABLE =
      List.of(
          "embeddings.LayerNorm.weight",
          "encoder.layer.1.output.LayerNorm.bias",
          "encoder.layer.0.intermediate.dense.weight.T",
          "encoder.layer.1.intermediate.dense.bias");

  @Test
  void everyLayerNormGeluAttentionAndLinearIsReplacedByOneFusedNode() {
    GraphOptimizer.Result r = withFusedAttention(() -> GraphOptimizer.optimize(TINY));
    // The embeddings' layer norm and two per layer; one GELU per layer.
    // Six linear layers per encoder layer (query, key, value, output, intermediate, output).
    assertThat(r.replaced())
        .containsEntry("LayerNormFusion", 5)
        .containsEntry("GeluFusion", 2)
        .containsEntry("AttentionFusion", 2)
        .containsEntry("LinearFusion", 12);
    List<NodeProto> nodes = r.model().graph().getNodeList();
    // A linear is MatMul + Add before and Transpose (of the constant weight) + Linear after; an
    // attention is MatMul, Div, Add, Softmax, MatMul before and one node after.
    assertThat(nodes.size()).isEqualTo(TINY.graph().getNodeCount() - 5 * 8 - 2 * 4 - 2 * 4);
    assertThat(nodes.stream().filter(n -> n.getDomain().equals(OpRegistry.FUSED_DOMAIN)))
        .extracting(NodeProto::getOpType)
        .containsOnly("LayerNorm", "Gelu", "Attention", "Linear")
        .hasSize(21);
    // The fused linear keeps the MatMul's name: LoRA adapters attach to it.
    assertThat(nodes)
        .anyMatch(
            n ->
                n.getOpType().equals("Linear")
                    && n.getName().equals("/encoder/layer.0/attention/self/query/MatMul"));
    assertThat(nodes)
        .noneMatch(
            n ->
                n.getOpType().equals("Erf")
                    || n.getOpType().equals("Sqrt")
                    || n.getOpType().equals("Softmax"));
    // The file's graph is untouched: exports are written from it.
    assertThat(TINY.graph().getNodeList()).anyMatch(n -> n.getOpType().equals("Erf"));
  }

  @Test
  void attentionIsLeftDecomposedUnlessAskedFor() {
    assertThat(GraphOptimizer.optimize(TINY).replaced()).doesNotContainKey("AttentionFusion");
  }

  @Test
  void outputsAndGradientsAreTheDecomposedGraphs() {
    Map<String, double[]> fused = withFusedAttention(() -> forwardAndBackward(true));
    Map<String, double[]> decomposed = forwardAndBackward(false);
    assertThat(fused.keySet()).isEqualTo(decomposed.keySet());
    for (String k : decomposed.keySet()) {
      double[] a = fused.get(k);
      double[] b = decomposed.get(k);
      double scale = 0;
      for (double v : b) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertThat(scale).as("%s is not all zero", k).isGreaterThan(1e-6);
      for (int i = 0; i < a.length; i++) {
        assertThat(Math.abs(a[i] - b[i])).as("%s[%d]", k, i).isLessThanOrEqualTo(2e-5 * scale);
      }
    }
  }

  /**
   * A layer norm whose centred value something else reads cannot be fused; a GELU next to it can.
   */
  @Test
  void aPatternWhoseInnerValueIsUsedElsewhereIsLeftAlone() {
    GraphBuilder g = new GraphBuilder("g", 11);
    String x = g.input("x", TensorProto.DataType.FLOAT_VALUE, "2", "4");
    Function<Float, String> c =
        v -> g.initializer(TensorCodec.floats("c" + v, new long[0], new float[] {v}));
    String gamma =
        g.initializer(TensorCodec.floats("gamma", new long[] {4}, new float[] {1, 2, 3, 4}));
    String beta =
        g.initializer(TensorCodec.floats("beta", new long[] {4}, new float[] {0, 0, 1, 1}));
    String mean = g.node("ReduceMean", "m", List.of(x), ints("axes", -1));
    String centered = g.node("Sub", "s", List.of(x, mean));
    String var =
        g.node(
            "ReduceMean",
            "v",
            List.of(g.node("Pow", "p", List.of(centered, c.apply(2f)))),
            ints("axes", -1));
    String std = g.node("Sqrt", "q", List.of(g.node("Add", "e", List.of(var, c.apply(1e-5f)))));
    String y =
        g.node(
            "Add",
            "b",
            List.of(
                g.node("Mul", "g", List.of(g.node("Div", "d", List.of(centered, std)), gamma)),
                beta));
    String d = g.node("Div", "gd", List.of(y, c.apply((float) Math.sqrt(2.0))));
    String one = g.node("Add", "ga", List.of(g.node("Erf", "ge", List.of(d)), c.apply(1f)));
    String out = g.node("Mul", "gh", List.of(g.node("Mul", "gm", List.of(y, one)), c.apply(0.5f)));
    g.output(out, TensorProto.DataType.FLOAT_VALUE);
    g.output(centered, TensorProto.DataType.FLOAT_VALUE);
    GraphOptimizer.Result r = GraphOptimizer.optimize(g.build());
    assertThat(r.replaced()).containsEntry("LayerNormFusion", 0).containsEntry("GeluFusion", 1);
  }

  private static <T> T withFusedAttention(java.util.function.Supplier<T> body) {
    String before = System.getProperty("plora.graph.fused-attention");
    System.setProperty("plora.graph.fused-attention", "true");
    try {
      return body.get();
    } finally {
      if (before == null) {
        System.clearProperty("plora.graph.fused-attention");
      } else {
        System.setProperty("plora.graph.fused-attention", before);
      }
    }
  }

  /** The last hidden state and the trainable parameters' gradients, with or without the passes. */
  private static Map<String, double[]> forwardAndBackward(boolean optimize) {
    String before = System.getProperty("plora.graph.optimize");
    System.setProperty("plora.graph.optimize", Boolean.toString(optimize));
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(TINY, m)) {
      ex.setTrainable(TRAINABLE);
      Map<String, NDArray> feeds = RandomTokens.batch(m, new Random(7), 3, 6, 50);
      Map<String, double[]> out = new LinkedHashMap<>();
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray h = ex.run(m, feeds).get("last_hidden_state");
        out.put("last_hidden_state", h.toType(DataType.FLOAT64, false).toDoubleArray());
        // The same random weighting of the outputs in both runs, so every gradient is exercised.
        float[] w = new float[Math.toIntExact(h.size())];
        Random r = new Random(9);
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) r.nextGaussian();
        }
        gc.backward(h.mul(m.create(w, h.getShape())).sum());
      }
      for (String p : TRAINABLE) {
        out.put(p, ex.parameter(p).getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
      }
      return out;
    } finally {
      if (before == null) {
        System.clearProperty("plora.graph.optimize");
      } else {
        System.setProperty("plora.graph.optimize", before);
      }
    }
  }
}
