package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Dropout} as inference executes it: the output is the input, the optional mask all true.
 * Adapter dropout during training is applied by the LoRA layer, not by dropout nodes of the base
 * graph.
 */
final class Dropout implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray mask =
        ctx.wantsOutput(1) ? ctx.manager().ones(in[0].getShape(), DataType.BOOLEAN) : null;
    return new NDArray[] {in[0], mask};
  }
}
