package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.onnx.GraphBuilder;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import dev.plora.engine.runtime.kernel.UnsupportedOpException;
import dev.plora.engine.testing.RandomTokens;
import dev.plora.engine.testing.TinyBert;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecutionErrorsTest {

  @Test
  void unsupportedOpNamesOpNodeAndOpsetAndListsSupportedOps() {
    GraphBuilder g = new GraphBuilder("uses-topk", 13);
    String x = g.input("x", TensorProto.DataType.FLOAT_VALUE, "3");
    String y = g.node("Hardmax", "/head/Hardmax", List.of(x));
    g.output(y, TensorProto.DataType.FLOAT_VALUE);
    OnnxModel model = g.build();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> new GraphExecutor(model, m))
          .isInstanceOf(UnsupportedOpException.class)
          .hasMessageContaining("unsupported op Hardmax")
          .hasMessageContaining("node '/head/Hardmax'")
          .hasMessageContaining("opset 13")
          .hasMessageContaining("supported ops: Abs, Add, Cast");
    }
  }

  @Test
  void opFromAnotherDomainIsUnsupported() {
    GraphBuilder g = new GraphBuilder("custom", 13);
    String x = g.input("x", TensorProto.DataType.FLOAT_VALUE, "3");
    g.node(
        NodeProto.newBuilder()
            .setOpType("Gelu")
            .setDomain("com.microsoft")
            .setName("/ms/Gelu")
            .addInput(x)
            .addOutput("y")
            .build());
    g.output("y", TensorProto.DataType.FLOAT_VALUE);
    OnnxModel model = g.build();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> new GraphExecutor(model, m))
          .hasMessageContaining("unsupported op com.microsoft.Gelu");
    }
  }

  @Test
  void opUsedBelowItsFirstOpsetIsUnsupported() {
    GraphBuilder g = new GraphBuilder("early-ln", 13);
    String x = g.input("x", TensorProto.DataType.FLOAT_VALUE, "2", "3");
    String y = g.node("LayerNormalization", "/ln", List.of(x, x));
    g.output(y, TensorProto.DataType.FLOAT_VALUE);
    OnnxModel model = g.build();
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> new GraphExecutor(model, m))
          .hasMessageContaining("LayerNormalization (node '/ln', opset 13)");
    }
  }

  @Test
  void missingFeedNamesTheInputAndWhatTheGraphNeeds() {
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(TinyBert.small(1).build(), m)) {
      Map<String, NDArray> feeds =
          new java.util.HashMap<>(RandomTokens.batch(m, new Random(1), 1, 3, 100));
      feeds.remove("attention_mask");
      assertThatThrownBy(() -> ex.run(m, feeds))
          .isInstanceOf(GraphExecutionException.class)
          .hasMessageContaining("missing input 'attention_mask'");
    }
  }

  @Test
  void feedOfTheWrongTypeOrRankIsRejected() {
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(TinyBert.small(1).build(), m)) {
      Map<String, NDArray> feeds =
          new java.util.HashMap<>(RandomTokens.batch(m, new Random(1), 1, 3, 100));
      feeds.put("input_ids", m.zeros(new Shape(1, 3), DataType.INT32));
      assertThatThrownBy(() -> ex.run(m, feeds))
          .hasMessageContaining("input 'input_ids' must be int64, got int32");
      feeds.put("input_ids", m.zeros(new Shape(3), DataType.INT64));
      assertThatThrownBy(() -> ex.run(m, feeds))
          .hasMessageContaining(
              "input 'input_ids' has shape (3) but the graph declares [batch, sequence]");
    }
  }

  @Test
  void badShapeAtRunTimeNamesTheNode() {
    GraphBuilder g = new GraphBuilder("bad-matmul", 13);
    String a = g.input("a", TensorProto.DataType.FLOAT_VALUE, "n", "k");
    String b = g.input("b", TensorProto.DataType.FLOAT_VALUE, "k2", "m");
    String y = g.node("MatMul", "/proj/MatMul", List.of(a, b));
    g.output(y, TensorProto.DataType.FLOAT_VALUE);
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(g.build(), m)) {
      Map<String, NDArray> feeds =
          Map.of("a", m.ones(new Shape(2, 3)), "b", m.ones(new Shape(4, 2)));
      assertThatThrownBy(() -> ex.run(m, feeds))
          .hasMessageContaining("MatMul node '/proj/MatMul'")
          .hasMessageContaining("cannot multiply (2, 3) by (4, 2)");
    }
  }

  @Test
  void intermediateValuesCanBeRequestedAndObserved() {
    try (NDManager m = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(TinyBert.small(2).build(), m)) {
      // The query projection's output (bias added: MatMul + Add run as one fused linear).
      String query = "/encoder/layer.0/attention/self/query/Add_output_0";
      List<long[]> seen = new java.util.ArrayList<>();
      ex.addObserver(query, (name, value) -> seen.add(value.getShape().getShape().clone()));
      Map<String, NDArray> feeds = RandomTokens.batch(m, new Random(1), 2, 5, 100);
      Map<String, NDArray> out = ex.run(m, feeds, List.of(query));
      assertThat(out.get(query).getShape()).isEqualTo(new Shape(2, 5, 16));
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0)).containsExactly(2, 5, 16);
      // The MatMul's own output exists in the file but not in the graph as executed: said so.
      assertThatThrownBy(
              () ->
                  ex.run(
                      m, feeds, List.of("/encoder/layer.0/attention/self/query/MatMul_output_0")))
          .hasMessageContaining("the graph optimiser fused it away")
          .hasMessageContaining("-Dplora.graph.optimize=false");
    }
  }
}
