package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.OpContext;
import dev.plora.engine.runtime.OpKernel;

/** {@code MatMul} with numpy semantics (batched, broadcast batch dims, 1-D operands): PyTorch's matmul. */
final class MatMul implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    long ka = in[0].getShape().get(in[0].getShape().dimension() - 1);
    int rb = in[1].getShape().dimension();
    long kb = in[1].getShape().get(rb == 1 ? 0 : rb - 2);
    if (ka != kb) {
      throw ctx.error("cannot multiply " + in[0].getShape() + " by " + in[1].getShape());
    }
    return new NDArray[] {in[0].matMul(in[1])};
  }
}
