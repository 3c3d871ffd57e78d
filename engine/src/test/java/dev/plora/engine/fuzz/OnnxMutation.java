package dev.plora.engine.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.plora.engine.onnx.proto.AttributeProto;
import dev.plora.engine.onnx.proto.GraphProto;
import dev.plora.engine.onnx.proto.ModelProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.StringStringEntryProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.testing.Mutator;
import java.util.Random;

/**
 * Mutations of an ONNX model at the message level, where byte mutations rarely reach: the mutant
 * still parses, but a tensor's dims, type or data, a node's op, inputs or attributes, or the opset
 * lie. Byte-level mutation then reaches the decoder with sizes that disagree.
 */
final class OnnxMutation {
  private static final String[] OPS = {
    "Range", "ConstantOfShape", "Constant", "MatMul", "Reshape", "Gather", "NoSuchOp", ""
  };

  private OnnxMutation() {}

  static byte[] apply(byte[] in, Random r) {
    ModelProto.Builder model;
    try {
      model = ModelProto.parseFrom(in).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      return in; // an earlier mutation broke the bytes: nothing to mutate structurally
    }
    GraphProto.Builder g = model.getGraphBuilder();
    switch (r.nextInt(8)) {
      case 0, 1, 2 -> {
        if (g.getInitializerCount() > 0) {
          int i = r.nextInt(g.getInitializerCount());
          g.setInitializer(i, tensor(g.getInitializer(i), r));
        }
      }
      case 3, 4 -> {
        if (g.getNodeCount() > 0) {
          int i = r.nextInt(g.getNodeCount());
          g.setNode(i, node(g.getNode(i), r));
        }
      }
      case 5 -> {
        if (model.getOpsetImportCount() > 0) {
          model.getOpsetImportBuilder(0).setVersion(Mutator.extreme(r));
        }
      }
      case 6 -> {
        // A duplicated section: a second initializer or node of the same name.
        if (g.getInitializerCount() > 0) {
          g.addInitializer(g.getInitializer(r.nextInt(g.getInitializerCount())));
        }
        if (g.getNodeCount() > 0) {
          g.addNode(g.getNode(r.nextInt(g.getNodeCount())));
        }
      }
      default -> {
        if (r.nextBoolean()) {
          g.clearNode();
        } else {
          g.clearInitializer();
        }
      }
    }
    return model.build().toByteArray();
  }

  private static TensorProto tensor(TensorProto t, Random r) {
    TensorProto.Builder b = t.toBuilder();
    switch (r.nextInt(8)) {
      case 0 -> {
        if (b.getDimsCount() > 0) {
          b.setDims(r.nextInt(b.getDimsCount()), Mutator.extreme(r));
        } else {
          b.addDims(Mutator.extreme(r));
        }
      }
      case 1 -> b.addDims(Mutator.extreme(r));
      case 2 -> b.setDataType(r.nextInt(26));
      case 3 -> retype(b, r);
      case 4 -> {
        ByteString raw = b.getRawData();
        b.setRawData(raw.substring(0, raw.isEmpty() ? 0 : r.nextInt(raw.size())));
      }
      case 5 -> b.clearRawData().addFloatData(1f).addInt64Data(Mutator.extreme(r));
      case 6 ->
          b.setDataLocation(TensorProto.DataLocation.EXTERNAL)
              .addExternalData(
                  StringStringEntryProto.newBuilder().setKey("location").setValue("../x"));
      default -> b.clearDims();
    }
    return b.build();
  }

  /** ONNX element types by their width in bytes. */
  private static final int[][] TYPES_BY_WIDTH = {
    {}, {2, 3, 9}, {4, 5, 10, 16}, {}, {1, 6, 12}, {}, {}, {}, {7, 11, 13}
  };

  /**
   * Another element type of a width that divides the raw data, with dims to match: a consistent
   * tensor of a type the engine may not hold.
   */
  private static void retype(TensorProto.Builder b, Random r) {
    int size = b.getRawData().size();
    int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
    if (size % width != 0) {
      return;
    }
    int[] types = TYPES_BY_WIDTH[width];
    b.setDataType(types[r.nextInt(types.length)]).clearDims().addDims(size / width);
  }

  private static NodeProto node(NodeProto n, Random r) {
    NodeProto.Builder b = n.toBuilder();
    switch (r.nextInt(5)) {
      case 0 -> b.setOpType(OPS[r.nextInt(OPS.length)]);
      case 1 -> {
        if (b.getInputCount() > 0) {
          b.setInput(r.nextInt(b.getInputCount()), r.nextBoolean() ? "" : "no-such-value");
        }
      }
      case 2 -> {
        // A node that consumes its own output: a cycle.
        if (b.getOutputCount() > 0) {
          b.addInput(b.getOutput(0));
        }
      }
      case 3 ->
          b.addAttribute(
              AttributeProto.newBuilder()
                  .setName(r.nextBoolean() ? "axis" : "value")
                  .setType(AttributeProto.AttributeType.INT)
                  .setI(Mutator.extreme(r)));
      default ->
          b.addAttribute(
              AttributeProto.newBuilder()
                  .setName("value")
                  .setType(AttributeProto.AttributeType.TENSOR)
                  .setT(
                      TensorProto.newBuilder()
                          .setDataType(1)
                          .addDims(Mutator.extreme(r))
                          .addFloatData(0f)));
    }
    return b.build();
  }
}
