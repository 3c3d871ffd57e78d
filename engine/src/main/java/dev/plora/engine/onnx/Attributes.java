package dev.plora.engine.onnx;

import dev.plora.engine.onnx.proto.AttributeProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed access to a node's attributes; a missing required attribute names the node. */
public final class Attributes {
  private final String nodeName;
  private final Map<String, AttributeProto> byName;

  public Attributes(NodeProto node) {
    this.nodeName = describe(node);
    Map<String, AttributeProto> m = new LinkedHashMap<>();
    for (AttributeProto a : node.getAttributeList()) {
      m.put(a.getName(), a);
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  /** "op_type node 'name'" for error messages. */
  public static String describe(NodeProto node) {
    // A node from a file may have neither a name nor an output: describing it must not fail.
    String name =
        !node.getName().isEmpty()
            ? node.getName()
            : node.getOutputCount() > 0
                ? "(unnamed, output " + node.getOutput(0) + ")"
                : "(unnamed, no outputs)";
    return node.getOpType() + " node '" + name + "'";
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  public long getInt(String name, long fallback) {
    AttributeProto a = byName.get(name);
    return a == null ? fallback : a.getI();
  }

  public long getInt(String name) {
    return require(name).getI();
  }

  public float getFloat(String name, float fallback) {
    AttributeProto a = byName.get(name);
    return a == null ? fallback : a.getF();
  }

  public String getString(String name, String fallback) {
    AttributeProto a = byName.get(name);
    return a == null ? fallback : a.getS().toString(StandardCharsets.UTF_8);
  }

  /** The ints of a list attribute, or null when it is absent. */
  public long[] getInts(String name) {
    AttributeProto a = byName.get(name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  public float[] getFloats(String name) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    float[] out = new float[a.getFloatsCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.getFloats(i);
    }
    return out;
  }

  public TensorProto getTensor(String name) {
    AttributeProto a = byName.get(name);
    return a == null ? null : a.getT();
  }

  public Map<String, AttributeProto> all() {
    return byName;
  }

  private AttributeProto require(String name) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      throw new OnnxFormatException(nodeName + " lacks its required attribute '" + name + "'");
    }
    return a;
  }
}
