package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * The exact (erf) GELU as one PyTorch kernel ({@code torch.gelu}, with its own backward), in place
 * of the five ops {@code 0.5·x·(1 + erf(x/√2))} is exported as. Put there by GeluFusion.
 */
final class FusedGelu implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    return new NDArray[] {in[0].getNDArrayInternal().gelu()};
  }
}
