package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.onnx.GraphBuilder;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Range and ConstantOfShape size their output from input values: a count over the limit, NaN, or a
 * negative dim fails the node, with the limit and its property named, before any allocation.
 */
class GeneratedSizeTest {
  private static final int F64 = TensorProto.DataType.DOUBLE_VALUE;
  private static final int I64 = TensorProto.DataType.INT64_VALUE;

  @Test
  void rangeWithinTheLimitRuns() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(range(m, 0, 5, 2).toDoubleArray()).containsExactly(0.0, 2.0, 4.0);
      assertThat(range(m, 5, 0, 1).size()).isZero();
    }
  }

  @Test
  void rangeWithAHugeOrInfiniteCountFailsTheNodeNamingTheLimit() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (double limit : new double[] {1e12, Double.POSITIVE_INFINITY, 4_294_967_296.0}) {
        assertThatThrownBy(() -> range(m, 0, limit, 1))
            .isInstanceOf(GraphExecutionException.class)
            .hasMessageContaining("Range node '/Range'")
            .hasMessageContaining("over the limit of 268435456 elements")
            .hasMessageContaining("-Dplora.runtime.maxGeneratedElements=");
      }
      assertThatThrownBy(() -> range(m, Double.NaN, 3, 1)).hasMessageContaining("not a number");
    }
  }

  @Test
  void constantOfShapeChecksItsShapeBeforeAllocating() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(constantOfShape(m, 2, 3).getShape().getShape()).containsExactly(2, 3);
      assertThat(constantOfShape(m, 0, 1L << 40).size()).isZero();
      assertThatThrownBy(() -> constantOfShape(m, 1L << 20, 1L << 20))
          .isInstanceOf(GraphExecutionException.class)
          .hasMessageContaining("the output of shape [1048576, 1048576] is 1099511627776 elements")
          .hasMessageContaining("over the limit");
      assertThatThrownBy(() -> constantOfShape(m, Long.MAX_VALUE, 3))
          .hasMessageContaining("over the limit");
      assertThatThrownBy(() -> constantOfShape(m, 4, -2))
          .hasMessageContaining("shape [4, -2] has a negative dimension");
    }
  }

  private static NDArray range(NDManager m, double start, double limit, double delta) {
    GraphBuilder g = new GraphBuilder("range", 14);
    String y =
        g.node(
            "Range",
            "/Range",
            List.of(g.input("start", F64), g.input("limit", F64), g.input("delta", F64)));
    g.output(y, F64);
    return run(
        g.build(),
        m,
        Map.of("start", m.create(start), "limit", m.create(limit), "delta", m.create(delta)));
  }

  private static NDArray constantOfShape(NDManager m, long... dims) {
    GraphBuilder g = new GraphBuilder("fill", 14);
    String y = g.node("ConstantOfShape", "/Fill", List.of(g.input("shape", I64, "2")));
    g.output(y, TensorProto.DataType.FLOAT_VALUE);
    return run(g.build(), m, Map.of("shape", m.create(dims)));
  }

  private static NDArray run(OnnxModel model, NDManager m, Map<String, NDArray> feeds) {
    try (GraphExecutor ex = new GraphExecutor(model, m)) {
      return ex.run(m, feeds).values().iterator().next();
    }
  }
}
