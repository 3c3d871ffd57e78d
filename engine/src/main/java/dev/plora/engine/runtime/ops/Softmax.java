package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Softmax}. From opset 13 it normalises along {@code axis} (default -1); before, the input
 * is viewed as 2-D {@code [prod(dims[:axis]), prod(dims[axis:])]} (default axis 1) and normalised
 * per row.
 */
final class Softmax implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    int rank = x.getShape().dimension();
    if (ctx.opset() >= 13) {
      int axis = Values.axis(ctx, ctx.attributes().getInt("axis", -1), rank);
      return new NDArray[] {x.softmax(axis)};
    }
    int axis = Values.axis(ctx, ctx.attributes().getInt("axis", 1), rank);
    long[] dims = x.getShape().getShape();
    Shape flat = new Shape(Values.product(dims, 0, axis), Values.product(dims, axis, rank));
    return new NDArray[] {x.reshape(flat).softmax(1).reshape(x.getShape())};
  }
}
