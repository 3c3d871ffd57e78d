package dev.plora.engine.runtime;

import static dev.plora.engine.onnx.GraphBuilder.attr;
import static dev.plora.engine.onnx.GraphBuilder.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.plora.engine.onnx.GraphBuilder;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.testing.RandomTokens;
import dev.plora.engine.testing.TinyBert;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autograd through the executor against central finite differences, on float64 tiny BERTs (so the
 * differences are accurate): embeddings (Gather), attention weights (MatMul/Softmax), biases and
 * layer norm scales all get the gradient the numbers say they should.
 */
class GradientCheckTest {
  private static final List<String> PARAMS =
      List.of(
          "embeddings.word_embeddings.weight",
          "encoder.layer.0.attention.self.query.weight.T",
          "encoder.layer.0.attention.self.value.bias",
          "encoder.layer.0.intermediate.dense.weight.T",
          "encoder.layer.0.output.LayerNorm.weight");

  @ParameterizedTest(name = "opset {0}")
  @ValueSource(ints = {11, 17, 20})
  void autogradMatchesCentralFiniteDifferences(int opset) {
    OnnxModel model = new TinyBert(30, 8, 2, 1, 16, 16, opset, true, 11).build();
    Random r = new Random(3);
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor grad = new GraphExecutor(model, m);
        GraphExecutor probe = new GraphExecutor(model, m)) {
      Map<String, NDArray> feeds = RandomTokens.batch(m, r, 2, 5, 30);
      NDArray weights = m.randomNormal(new Shape(2, 5, 8), DataType.FLOAT64);

      grad.setTrainable(PARAMS);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        gc.backward(grad.run(m, feeds).get("last_hidden_state").mul(weights).sum());
      }
      for (String name : PARAMS) {
        double[] analytic = grad.parameter(name).getGradient().toDoubleArray();
        double[] base = probe.parameter(name).toDoubleArray();
        // Check the entries with the largest gradients (rows hit by the batch) and a few others.
        int[] picks = largest(analytic, 3);
        assertThat(Math.abs(analytic[picks[0]]))
            .as("largest gradient of %s", name)
            .isGreaterThan(1e-3);
        for (int idx : concat(picks, new int[] {r.nextInt(base.length), r.nextInt(base.length)})) {
          double eps = 1e-6;
          double up = loss(probe, name, base, idx, eps, feeds, weights, m, "last_hidden_state");
          double down = loss(probe, name, base, idx, -eps, feeds, weights, m, "last_hidden_state");
          double numeric = (up - down) / (2 * eps);
          assertThat(analytic[idx])
              .as("%s[%d]", name, idx)
              .isCloseTo(numeric, offset(1e-6 + 1e-5 * Math.abs(numeric)));
        }
        probe.setParameter(name, m.create(base, probe.parameter(name).getShape()));
      }
    }
  }

  /**
   * Conv → Relu → Flatten → Gemm → Split → Concat → Slice → Where/Tanh/Sigmoid → Expand →
   * LayerNormalization.
   */
  @Test
  void gradientsFlowThroughVisionAndShapeOpsAsFiniteDifferencesSay() {
    GraphBuilder g = new GraphBuilder("misc", 18);
    int dbl = TensorProto.DataType.DOUBLE_VALUE;
    Random r = new Random(5);
    String x = g.input("x", dbl, "2", "3", "4", "4");
    String cond = g.input("cond", TensorProto.DataType.BOOL_VALUE, "1", "6");
    String w =
        g.initializer(TensorCodec.doubles("conv.weight", new long[] {2, 3, 2, 2}, gaussian(r, 24)));
    String gw =
        g.initializer(TensorCodec.doubles("gemm.weight", new long[] {6, 8}, gaussian(r, 48)));
    String scale = g.initializer(TensorCodec.doubles("ln.weight", new long[] {6}, gaussian(r, 6)));
    String conv = g.node("Conv", "/conv/Conv", List.of(x, w), ints("strides", 2, 2));
    String flat =
        g.node("Flatten", "/Flatten", List.of(g.node("Relu", "/Relu", List.of(conv)))); // [2, 8]
    String gemm = g.node("Gemm", "/gemm/Gemm", List.of(flat, gw), attr("transB", 1L)); // [2, 6]
    String[] parts = g.node("Split", "/Split", List.of(gemm), 2, attr("axis", 1L));
    String cat =
        g.node(
            "Concat", "/Concat", List.of(parts[1], parts[0], parts[1]), attr("axis", 1L)); // [2, 9]
    String sl =
        g.node(
            "Slice",
            "/Slice",
            List.of(
                cat,
                g.initializer(TensorCodec.longs("s", new long[] {1}, 1)),
                g.initializer(TensorCodec.longs("e", new long[] {1}, 7)),
                g.initializer(TensorCodec.longs("a", new long[] {1}, -1)))); // [2, 6]
    String mixed =
        g.node(
            "Where",
            "/Where",
            List.of(
                cond,
                g.node("Tanh", "/Tanh", List.of(sl)),
                g.node("Sigmoid", "/Sigmoid", List.of(sl))));
    String big =
        g.node(
            "Expand",
            "/Expand",
            List.of(mixed, g.initializer(TensorCodec.longs("shape", new long[] {3}, 3, 1, 1))));
    String out = g.node("LayerNormalization", "/ln/LayerNormalization", List.of(big, scale));
    g.output(out, dbl);
    OnnxModel model = g.build();
    List<String> params = List.of("conv.weight", "gemm.weight", "ln.weight");
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor grad = new GraphExecutor(model, m);
        GraphExecutor probe = new GraphExecutor(model, m)) {
      Map<String, NDArray> feeds = new LinkedHashMap<>();
      feeds.put("x", m.create(gaussian(r, 96), new Shape(2, 3, 4, 4)));
      feeds.put(
          "cond", m.create(new boolean[] {true, false, true, true, false, false}, new Shape(1, 6)));
      NDArray weights = m.create(gaussian(r, 36), new Shape(3, 2, 6));
      NDArray input = feeds.get("x");
      input.setRequiresGradient(true); // a graph input can be trained too
      grad.setTrainable(params);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        gc.backward(grad.run(m, feeds).get(out).mul(weights).sum());
      }
      for (String name : params) {
        double[] analytic = grad.parameter(name).getGradient().toDoubleArray();
        double[] base = probe.parameter(name).toDoubleArray();
        assertThat(Arrays.stream(analytic).map(Math::abs).max().orElse(0))
            .as(name)
            .isGreaterThan(1e-3);
        for (int idx = 0; idx < base.length; idx++) {
          double numeric =
              (loss(probe, name, base, idx, 1e-6, feeds, weights, m, out)
                      - loss(probe, name, base, idx, -1e-6, feeds, weights, m, out))
                  / 2e-6;
          assertThat(analytic[idx])
              .as("%s[%d]", name, idx)
              .isCloseTo(numeric, offset(1e-6 + 1e-5 * Math.abs(numeric)));
        }
        probe.setParameter(name, m.create(base, probe.parameter(name).getShape()));
      }
      double[] analytic = input.getGradient().toDoubleArray();
      double[] x0 = input.toDoubleArray();
      for (int idx = 0; idx < x0.length; idx += 7) {
        double numeric =
            (lossAtInput(probe, feeds, x0, idx, 1e-6, weights, m, out)
                    - lossAtInput(probe, feeds, x0, idx, -1e-6, weights, m, out))
                / 2e-6;
        assertThat(analytic[idx])
            .as("x[%d]", idx)
            .isCloseTo(numeric, offset(1e-6 + 1e-5 * Math.abs(numeric)));
      }
    }
  }

  private static double lossAtInput(
      GraphExecutor ex,
      Map<String, NDArray> feeds,
      double[] x0,
      int idx,
      double delta,
      NDArray weights,
      NDManager m,
      String output) {
    double[] v = x0.clone();
    v[idx] += delta;
    try (NDManager step = m.newSubManager()) {
      Map<String, NDArray> moved = new LinkedHashMap<>(feeds);
      moved.put("x", step.create(v, feeds.get("x").getShape()));
      return ex.run(step, moved).get(output).mul(weights).sum().getDouble();
    }
  }

  private static double[] gaussian(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  private static double loss(
      GraphExecutor ex,
      String name,
      double[] base,
      int idx,
      double delta,
      Map<String, NDArray> feeds,
      NDArray weights,
      NDManager m,
      String output) {
    double[] v = base.clone();
    v[idx] += delta;
    try (NDManager step = m.newSubManager()) {
      ex.setParameter(name, step.create(v, ex.parameter(name).getShape()));
      return ex.run(step, feeds).get(output).mul(weights).sum().getDouble();
    }
  }

  private static int[] largest(double[] g, int k) {
    return IntStream.range(0, g.length)
        .boxed()
        .sorted((a, b) -> Double.compare(Math.abs(g[b]), Math.abs(g[a])))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static int[] concat(int[] a, int[] b) {
    return IntStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
  }
}
