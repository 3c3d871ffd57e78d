package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Expand}: broadcasts the input against the given shape (in both directions, as numpy does).
 */
final class Expand implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Shape target = Values.broadcast(ctx, in[0].getShape(), new Shape(Values.longs(in[1])));
    return new NDArray[] {in[0].broadcast(target)};
  }
}
