package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/** {@code Transpose}: {@code perm}, by default the reversed axes. */
final class Transpose implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    int rank = in[0].getShape().dimension();
    long[] perm = ctx.attributes().getInts("perm");
    int[] p = new int[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = perm == null ? rank - 1 - i : Values.axis(ctx, perm[i], rank);
    }
    return new NDArray[] {in[0].transpose(p)};
  }
}
