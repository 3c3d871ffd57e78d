package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Flatten}: to 2-D {@code [prod(dims[:axis]), prod(dims[axis:])]}, axis 1 by default, may
 * equal the rank.
 */
final class Flatten implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    long[] dims = in[0].getShape().getShape();
    long axis = ctx.attributes().getInt("axis", 1);
    int a = (int) (axis < 0 ? axis + dims.length : axis);
    if (a < 0 || a > dims.length) {
      throw ctx.error("axis " + axis + " is out of range for rank " + dims.length);
    }
    Shape s = new Shape(Values.product(dims, 0, a), Values.product(dims, a, dims.length));
    return new NDArray[] {in[0].reshape(s)};
  }
}
