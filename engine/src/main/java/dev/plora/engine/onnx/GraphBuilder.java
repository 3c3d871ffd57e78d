package dev.plora.engine.onnx;

import com.google.protobuf.ByteString;
import dev.plora.engine.onnx.proto.AttributeProto;
import dev.plora.engine.onnx.proto.GraphProto;
import dev.plora.engine.onnx.proto.ModelProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.OperatorSetIdProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.onnx.proto.TensorShapeProto;
import dev.plora.engine.onnx.proto.TypeProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes ONNX graphs: inputs, initializers, nodes and outputs, producing an {@link OnnxModel}. Used
 * to generate test models and to append ops (a classification head) to exported graphs.
 */
public final class GraphBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final int opset;
  private int counter;

  public GraphBuilder(String name, int opset) {
    this.graph.setName(name);
    this.opset = opset;
  }

  public int opset() {
    return opset;
  }

  /**
   * Declares a graph input.
   *
   * @param dims each a number ("4") or a symbolic name ("batch")
   */
  public String input(String name, int elemType, String... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output of known element type and dims (none given: a scalar). */
  public GraphBuilder output(String name, int elemType, String... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
    return this;
  }

  /** Declares a graph output whose shape is left to the runtime. */
  public GraphBuilder output(String name, int elemType) {
    ValueInfoProto vi = valueInfo(name, elemType);
    graph.addOutput(
        vi.toBuilder()
            .setType(
                TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType)))
            .build());
    return this;
  }

  public String initializer(TensorProto tensor) {
    graph.addInitializer(tensor);
    return tensor.getName();
  }

  /** Adds a node with one output; returns the output's name. */
  public String node(
      String opType, String name, List<String> inputs, AttributeProto... attributes) {
    return node(opType, name, inputs, 1, attributes)[0];
  }

  /** Adds a node with {@code outputs} outputs named after the node; returns their names. */
  public String[] node(
      String opType, String name, List<String> inputs, int outputs, AttributeProto... attributes) {
    String nodeName = name != null ? name : "/" + opType + "_" + counter++;
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(opType).setName(nodeName).addAllInput(inputs);
    String[] outs = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      outs[i] = nodeName + "_output_" + i;
      n.addOutput(outs[i]);
    }
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return outs;
  }

  /** Adds a fully specified node (explicit output names). */
  public GraphBuilder node(NodeProto node) {
    graph.addNode(node);
    return this;
  }

  public OnnxModel build() {
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(opset >= 21 ? 10 : opset >= 15 ? 8 : 7)
            .setProducerName("plora")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setGraph(graph)
            .build();
    return new OnnxModel(m, graph.getName());
  }

  private static ValueInfoProto valueInfo(String name, int elemType, String... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (String d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d.chars().allMatch(Character::isDigit)) {
        dim.setDimValue(Long.parseLong(d));
      } else {
        dim.setDimParam(d);
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  public static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8))
        .build();
  }

  /**
   * A list-of-ints attribute (named apart from {@link #attr(String, long)} so one value stays a
   * list).
   */
  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      b.addInts(v);
    }
    return b.build();
  }

  public static AttributeProto attr(String name, TensorProto value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(value)
        .build();
  }
}
