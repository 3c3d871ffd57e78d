package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.AttributeProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Who produces and who consumes each value of a graph, and the constants a pattern may test. */
final class GraphIndex {
  private final List<NodeProto> nodes;
  private final Map<String, NodeProto> producer = new HashMap<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final Set<String> graphOutputs = new HashSet<>();
  private final Map<String, TensorProto> initializers;

  GraphIndex(OnnxModel model, List<NodeProto> nodes) {
    this.nodes = nodes;
    this.initializers = model.initializers();
    for (NodeProto n : nodes) {
      n.getOutputList().forEach(o -> producer.put(o, n));
      for (String in : n.getInputList()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    for (ValueInfoProto o : model.graph().getOutputList()) {
      graphOutputs.add(o.getName());
    }
  }

  List<NodeProto> nodes() {
    return nodes;
  }

  /** The one node that reads {@code value} (and is not a graph output), if it is of {@code op}. */
  Optional<NodeProto> soleConsumer(String value, String op) {
    List<NodeProto> c = consumers.getOrDefault(value, List.of());
    return c.size() == 1 && c.get(0).getOpType().equals(op) && !graphOutputs.contains(value)
        ? Optional.of(c.get(0))
        : Optional.empty();
  }

  /** Everything that reads {@code value}. */
  List<NodeProto> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  boolean isGraphOutput(String value) {
    return graphOutputs.contains(value);
  }

  Optional<NodeProto> producer(String value) {
    return Optional.ofNullable(producer.get(value));
  }

  /** Whether {@code value} is an initializer (a weight, not computed). */
  boolean isInitializer(String value) {
    return initializers.containsKey(value);
  }

  /** The single float a value holds when it is a constant scalar (initializer or Constant node). */
  Optional<Float> scalar(String value) {
    TensorProto t = initializers.get(value);
    NodeProto p = producer.get(value);
    if (t == null && p != null && p.getOpType().equals("Constant")) {
      for (AttributeProto a : p.getAttributeList()) {
        if (a.getName().equals("value") && a.hasT()) {
          t = a.getT();
        } else if (a.getName().equals("value_float")) {
          return Optional.of(a.getF());
        }
      }
    }
    if (t == null || TensorCodec.checkedCount(t) != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(TensorCodec.decodeFloats(t)[0]);
    } catch (RuntimeException e) {
      return Optional.empty(); // not a float tensor
    }
  }

  /** The input of a binary node that is not {@code value}, if {@code value} is one of its two. */
  static Optional<String> other(NodeProto binary, String value) {
    if (binary.getInputCount() != 2) {
      return Optional.empty();
    }
    if (binary.getInput(0).equals(value)) {
      return Optional.of(binary.getInput(1));
    }
    return binary.getInput(1).equals(value) ? Optional.of(binary.getInput(0)) : Optional.empty();
  }

  /** The ints of an attribute, or empty. */
  static List<Long> ints(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getIntsList();
      }
    }
    return List.of();
  }

  /** An int attribute, or {@code fallback}. */
  static long intAttribute(NodeProto n, String name, long fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return fallback;
  }
}
