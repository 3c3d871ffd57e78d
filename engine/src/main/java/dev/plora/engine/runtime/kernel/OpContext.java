package dev.plora.engine.runtime.kernel;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.onnx.proto.NodeProto;

/**
 * What a kernel knows about the node it runs: the node itself, its attributes, the opset of the
 * model and the manager new arrays are created in.
 */
public record OpContext(NodeProto node, Attributes attributes, int opset, NDManager manager) {

  /** "Op node 'name'", for error messages. */
  public String describe() {
    return Attributes.describe(node);
  }

  /** Number of outputs the node declares. */
  public int outputCount() {
    return node.getOutputCount();
  }

  /**
   * Whether output {@code i} is declared and named (ONNX marks an omitted optional output with "").
   */
  public boolean wantsOutput(int i) {
    return i < node.getOutputCount() && !node.getOutput(i).isEmpty();
  }

  /** An error about this node, naming it. */
  public GraphExecutionException error(String message) {
    return new GraphExecutionException(describe() + ": " + message);
  }
}
