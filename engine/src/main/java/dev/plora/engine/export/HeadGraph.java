package dev.plora.engine.export;

import static dev.plora.engine.onnx.GraphBuilder.attr;
import static dev.plora.engine.onnx.GraphBuilder.ints;

import dev.plora.engine.config.Pooling;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.AttributeProto;
import dev.plora.engine.onnx.proto.GraphProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.onnx.proto.TensorShapeProto;
import dev.plora.engine.onnx.proto.TypeProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import java.util.List;

/**
 * Appends the classification head to a graph as standard ONNX ops, in the model's own opset:
 * pooling (masked mean: Cast, Unsqueeze, Mul, ReduceSum, Max, Div; or first token: Gather), then
 * {@code logits = Gemm(pooled, classifier.weight, classifier.bias, transB=1)} and {@code
 * probabilities = Softmax(logits)}. The original inputs are untouched.
 */
final class HeadGraph {
  static final String LOGITS = "logits";
  static final String PROBABILITIES = "probabilities";
  private static final String P = "/plora_head/";

  private HeadGraph() {}

  /**
   * @param hidden the token-state output {@code [B, T, H]}
   * @param weight {@code [L, H]} row-major
   * @param bias {@code [L]}
   */
  static void append(
      GraphProto.Builder g,
      int opset,
      String hidden,
      Pooling pooling,
      long labels,
      long hiddenSize,
      float[] weight,
      float[] bias) {
    String pooled;
    if (pooling == Pooling.FIRST) {
      g.addInitializer(TensorCodec.longs("plora_head.first", new long[0], 0));
      pooled =
          node(g, "Gather", "pool_first", List.of(hidden, "plora_head.first"), attr("axis", 1L));
    } else {
      boolean hasMask =
          g.getInputList().stream().anyMatch(v -> v.getName().equals("attention_mask"));
      if (!hasMask) {
        throw new ExportException(
            "mean pooling needs the graph input 'attention_mask', which this model does not have");
      }
      String maskF =
          node(
              g,
              "Cast",
              "mask_float",
              List.of("attention_mask"),
              attr("to", (long) TensorProto.DataType.FLOAT_VALUE));
      String mask3 = unsqueeze(g, opset, maskF, 2);
      String masked = node(g, "Mul", "masked", List.of(hidden, mask3));
      String summed = reduceSum(g, opset, "sum_tokens", masked);
      String count = reduceSum(g, opset, "count_tokens", mask3);
      g.addInitializer(TensorCodec.floats("plora_head.one", new long[0], new float[] {1f}));
      String atLeastOne = node(g, "Max", "count_at_least_one", List.of(count, "plora_head.one"));
      pooled = node(g, "Div", "mean", List.of(summed, atLeastOne));
    }
    g.addInitializer(
        TensorCodec.floats(
            "plora_head.classifier.weight", new long[] {labels, hiddenSize}, weight));
    g.addInitializer(TensorCodec.floats("plora_head.classifier.bias", new long[] {labels}, bias));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Gemm")
            .setName(P + "classifier/Gemm")
            .addInput(pooled)
            .addInput("plora_head.classifier.weight")
            .addInput("plora_head.classifier.bias")
            .addOutput(LOGITS)
            .addAttribute(attr("transB", 1L)));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Softmax")
            .setName(P + "Softmax")
            .addInput(LOGITS)
            .addOutput(PROBABILITIES)
            .addAttribute(attr("axis", 1L)));
    g.addOutput(output(LOGITS, labels));
    g.addOutput(output(PROBABILITIES, labels));
  }

  private static String node(
      GraphProto.Builder g, String op, String name, List<String> inputs, AttributeProto... attrs) {
    String out = P + name + "_output";
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(op).setName(P + name).addAllInput(inputs).addOutput(out);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    g.addNode(n);
    return out;
  }

  private static String unsqueeze(GraphProto.Builder g, int opset, String x, long axis) {
    if (opset >= 13) {
      g.addInitializer(TensorCodec.longs("plora_head.unsqueeze_axes", new long[] {1}, axis));
      return node(g, "Unsqueeze", "mask_3d", List.of(x, "plora_head.unsqueeze_axes"));
    }
    return node(g, "Unsqueeze", "mask_3d", List.of(x), ints("axes", axis));
  }

  private static String reduceSum(GraphProto.Builder g, int opset, String name, String x) {
    if (opset >= 13) {
      String axes = "plora_head." + name + ".axes";
      g.addInitializer(TensorCodec.longs(axes, new long[] {1}, 1));
      return node(g, "ReduceSum", name, List.of(x, axes), attr("keepdims", 0L));
    }
    return node(g, "ReduceSum", name, List.of(x), ints("axes", 1), attr("keepdims", 0L));
  }

  private static ValueInfoProto output(String name, long labels) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(labels))
            .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }
}
