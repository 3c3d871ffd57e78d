package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.onnx.OnnxFormatException;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A graph's initializers as arrays the executor owns, and which of them are trainable (those
 * receive gradients and are never cached as constants).
 */
final class ParameterStore {
  private final OnnxModel model;
  private final Map<String, NDArray> values = new LinkedHashMap<>();
  private final Set<String> trainable = new LinkedHashSet<>();

  ParameterStore(OnnxModel model, NDManager manager) {
    this.model = model;
    for (TensorProto t : model.graph().getInitializerList()) {
      NDArray a = decode(t, manager);
      a.setName(t.getName());
      values.put(t.getName(), a);
    }
  }

  /** An initializer's value; an error names the model file as well as the tensor. */
  private NDArray decode(TensorProto t, NDManager manager) {
    try {
      return TensorCodec.decode(t, manager);
    } catch (OnnxFormatException e) {
      throw new OnnxFormatException(model.source() + ": " + e.getMessage(), e);
    }
  }

  Map<String, NDArray> all() {
    return Collections.unmodifiableMap(values);
  }

  boolean contains(String name) {
    return values.containsKey(name);
  }

  NDArray get(String name) {
    NDArray p = values.get(name);
    if (p == null) {
      throw new GraphExecutionException(model.source() + ": no initializer named '" + name + "'");
    }
    return p;
  }

  /** Replaces a value in place (same shape and type). */
  void set(String name, NDArray value) {
    NDArray p = get(name);
    if (!p.getShape().equals(value.getShape()) || p.getDataType() != value.getDataType()) {
      throw new GraphExecutionException(
          "initializer '"
              + name
              + "' is "
              + p.getDataType()
              + p.getShape()
              + ", cannot set a "
              + value.getDataType()
              + value.getShape());
    }
    p.set(value.toByteBuffer());
  }

  void makeTrainable(Collection<String> names) {
    for (String name : names) {
      NDArray p = get(name);
      if (!p.getDataType().isFloating()) {
        throw new GraphExecutionException(
            "initializer '"
                + name
                + "' is "
                + p.getDataType()
                + "; only floating-point initializers can be trained");
      }
      p.setRequiresGradient(true);
      trainable.add(name);
    }
  }

  Set<String> trainable() {
    return Collections.unmodifiableSet(trainable);
  }

  /** The initializers that are not trainable: constants of the graph. */
  Collection<String> constants() {
    return values.keySet().stream().filter(n -> !trainable.contains(n)).toList();
  }
}
