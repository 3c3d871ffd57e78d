package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * Replaces how one node is executed while keeping the node in the graph: the override receives the
 * node's inputs and its base kernel, and wraps it (a LoRA adapter wraps its target MatMul this
 * way).
 */
@FunctionalInterface
public interface NodeOverride {
  NDArray[] run(OpContext ctx, NDArray[] inputs, OpKernel base);
}
