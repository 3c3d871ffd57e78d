package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.Arrays;

/**
 * {@code Shape}: the input's dims as int64, with the {@code start}/{@code end} attributes of opset
 * 15.
 */
final class ShapeOf implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    long[] dims = in[0].getShape().getShape();
    int rank = dims.length;
    long start = ctx.attributes().getInt("start", 0);
    long end = ctx.attributes().getInt("end", rank);
    int s = (int) Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
    int e = (int) Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
    long[] out = e > s ? Arrays.copyOfRange(dims, s, e) : new long[0];
    return new NDArray[] {OwnedArrays.own(ctx.manager().create(out))};
  }
}
