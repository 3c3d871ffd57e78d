package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code x·Wᵀ + b} as one PyTorch kernel ({@code torch.linear}: addmm), inputs X, Wᵀ {@code [out,
 * in]}, B {@code [out]}. Put there by LinearFusion in place of a MatMul and its bias Add.
 */
final class FusedLinear implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    return new NDArray[] {
      in[0].getNDArrayInternal().linear(in[0], in[1], in[2]).singletonOrThrow()
    };
  }
}
