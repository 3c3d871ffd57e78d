package dev.plora.engine.runtime.kernel;

import ai.djl.ndarray.NDArray;

/**
 * One ONNX operator. Kernels are stateless: everything about the node (attributes, opset, name)
 * comes through the {@link OpContext}.
 */
@FunctionalInterface
public interface OpKernel {
  /**
   * Runs the node.
   *
   * @param ctx the node, its attributes and the opset it is executed under
   * @param inputs one array per node input, {@code null} where an optional input is omitted
   * @return one array per node output; {@code null} for an optional output the kernel does not
   *     produce
   */
  NDArray[] run(OpContext ctx, NDArray[] inputs);
}
