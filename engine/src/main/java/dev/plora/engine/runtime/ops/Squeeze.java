package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.ArrayList;
import java.util.List;

/** {@code Squeeze}: the given axes (attribute before 13, input from 13), or every dim of size 1. */
final class Squeeze implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Shape shape = in[0].getShape();
    long[] axes = Values.axesArgument(ctx, in, 1, 13);
    boolean[] drop = new boolean[shape.dimension()];
    if (axes == null) {
      for (int i = 0; i < drop.length; i++) {
        drop[i] = shape.get(i) == 1;
      }
    } else {
      for (long a : axes) {
        int ax = Values.axis(ctx, a, shape.dimension());
        if (shape.get(ax) != 1) {
          throw ctx.error(
              "cannot squeeze axis " + a + " of shape " + shape + ": its size is not 1");
        }
        drop[ax] = true;
      }
    }
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < drop.length; i++) {
      if (!drop[i]) {
        kept.add(shape.get(i));
      }
    }
    return new NDArray[] {
      in[0].reshape(new Shape(kept.stream().mapToLong(Long::longValue).toArray()))
    };
  }
}
