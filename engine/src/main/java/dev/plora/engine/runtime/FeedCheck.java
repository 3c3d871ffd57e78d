package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorDataType;
import dev.plora.engine.onnx.proto.TensorShapeProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks what is fed to a graph against its declared inputs: every input present, of its type and
 * shape.
 */
final class FeedCheck {
  private FeedCheck() {}

  static void check(
      OnnxModel model,
      Map<String, ValueInfoProto> inputs,
      ParameterStore parameters,
      Map<String, NDArray> feeds) {
    for (Map.Entry<String, ValueInfoProto> e : inputs.entrySet()) {
      String name = e.getKey();
      NDArray a = feeds.get(name);
      if (a == null) {
        throw new GraphExecutionException(
            model.source() + ": missing input '" + name + "'; the graph needs " + inputs.keySet());
      }
      if (!e.getValue().getType().hasTensorType()) {
        continue;
      }
      int elem = e.getValue().getType().getTensorType().getElemType();
      DataType expected = TensorDataType.toDjl(elem, name);
      if (a.getDataType() != expected) {
        throw new GraphExecutionException(
            model.source()
                + ": input '"
                + name
                + "' must be "
                + expected
                + ", got "
                + a.getDataType());
      }
      if (e.getValue().getType().getTensorType().hasShape()) {
        TensorShapeProto shape = e.getValue().getType().getTensorType().getShape();
        Shape actual = a.getShape();
        boolean ok = shape.getDimCount() == actual.dimension();
        for (int i = 0; ok && i < shape.getDimCount(); i++) {
          TensorShapeProto.Dimension d = shape.getDim(i);
          ok = !d.hasDimValue() || d.getDimValue() == actual.get(i);
        }
        if (!ok) {
          throw new GraphExecutionException(
              model.source()
                  + ": input '"
                  + name
                  + "' has shape "
                  + actual
                  + " but the graph declares "
                  + describe(shape));
        }
      }
    }
    for (String f : feeds.keySet()) {
      if (!inputs.containsKey(f) && !parameters.contains(f)) {
        throw new GraphExecutionException(
            model.source() + ": '" + f + "' is not a graph input; inputs are " + inputs.keySet());
      }
    }
  }

  private static String describe(TensorShapeProto shape) {
    List<String> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : shape.getDimList()) {
      dims.add(
          d.hasDimValue()
              ? Long.toString(d.getDimValue())
              : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
    }
    return "[" + String.join(", ", dims) + "]";
  }
}
