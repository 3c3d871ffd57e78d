package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Where}: DJL's where does not broadcast, so all three inputs are broadcast to their common
 * shape first.
 */
final class Where implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Shape s =
        Values.broadcast(
            ctx, Values.broadcast(ctx, in[0].getShape(), in[1].getShape()), in[2].getShape());
    NDArray c = in[0].getShape().equals(s) ? in[0] : in[0].broadcast(s);
    NDArray x = in[1].getShape().equals(s) ? in[1] : in[1].broadcast(s);
    NDArray y = in[2].getShape().equals(s) ? in[2] : in[2].broadcast(s);
    return new NDArray[] {NDArrays.where(c, x, y)};
  }
}
