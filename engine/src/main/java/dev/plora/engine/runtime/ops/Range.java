package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Range}: {@code max(ceil((limit - start) / delta), 0)} values from start by delta, in the
 * input type. The count comes from the inputs' values, so it is bounded ({@link GeneratedSize}).
 */
final class Range implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    DataType type = in[0].getDataType();
    double start = Values.scalar(in[0]);
    double limit = Values.scalar(in[1]);
    double delta = Values.scalar(in[2]);
    if (delta == 0) {
      throw ctx.error("delta is 0");
    }
    int n = GeneratedSize.ofCount(ctx, Math.ceil((limit - start) / delta));
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i * delta;
    }
    return new NDArray[] {
      OwnedArrays.own(ctx.manager().create(v, new Shape(n))).toType(type, false)
    };
  }
}
