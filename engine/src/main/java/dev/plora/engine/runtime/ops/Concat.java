package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/** {@code Concat} along {@code axis} (negative allowed from opset 11). */
final class Concat implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    int axis = Values.axis(ctx, ctx.attributes().getInt("axis"), in[0].getShape().dimension());
    if (in.length == 1) {
      return new NDArray[] {in[0].duplicate()};
    }
    return new NDArray[] {NDArrays.concat(new NDList(in), axis)};
  }
}
