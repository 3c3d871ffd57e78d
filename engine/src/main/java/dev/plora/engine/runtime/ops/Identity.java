package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.OpContext;
import dev.plora.engine.runtime.OpKernel;

/** {@code Identity}: returns its input unchanged (the same array). */
final class Identity implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    return new NDArray[] {in[0]};
  }
}
