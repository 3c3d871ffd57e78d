package dev.plora.engine.onnx;

import dev.plora.engine.onnx.proto.NodeProto;

/**
 * Module names in the PyTorch/PEFT sense, derived from ONNX node paths: exporters name nodes after
 * the module that produced them, so {@code /encoder/layer.0/attention/self/query/MatMul} belongs to
 * {@code encoder.layer.0.attention.self.query}.
 */
public final class ModuleNames {
  private ModuleNames() {}

  /**
   * The module a node belongs to: its path without the trailing op segment, segments joined by
   * dots. Nodes without a path fall back to their weight initializer's name less a {@code .weight}
   * suffix, then to the node name itself.
   */
  public static String of(NodeProto node, String weightName) {
    String name = node.getName();
    if (name.startsWith("/") && name.lastIndexOf('/') > 0) {
      String path = name.substring(1, name.lastIndexOf('/'));
      return path.replace('/', '.');
    }
    if (weightName != null && weightName.endsWith(".weight")) {
      return weightName.substring(0, weightName.length() - ".weight".length());
    }
    return name.isEmpty() && node.getOutputCount() > 0 ? node.getOutput(0) : name;
  }
}
