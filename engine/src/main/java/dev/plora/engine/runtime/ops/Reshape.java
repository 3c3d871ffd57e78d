package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Reshape}: {@code 0} copies the input's dim (unless {@code allowzero=1}), {@code -1} is
 * inferred. Before opset 5 the target shape was the {@code shape} attribute.
 */
final class Reshape implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    long[] target = ctx.opset() >= 5 ? Values.longs(in[1]) : ctx.attributes().getInts("shape");
    return new NDArray[] {in[0].reshape(resolve(ctx, in[0].getShape(), target))};
  }

  static Shape resolve(OpContext ctx, Shape input, long[] target) {
    boolean allowZero = ctx.attributes().getInt("allowzero", 0) == 1;
    long[] out = target.clone();
    int inferred = -1;
    long known = 1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0 && !allowZero) {
        if (i >= input.dimension()) {
          throw ctx.error(
              "shape entry " + i + " is 0 (copy) but the input " + input + " has no dim " + i);
        }
        out[i] = input.get(i);
      }
      if (out[i] == -1) {
        if (inferred >= 0) {
          throw ctx.error("shape " + java.util.Arrays.toString(target) + " has more than one -1");
        }
        inferred = i;
      } else {
        known *= out[i];
      }
    }
    if (inferred >= 0) {
      if (known == 0 || input.size() % known != 0) {
        throw ctx.error("cannot reshape " + input + " to " + java.util.Arrays.toString(target));
      }
      out[inferred] = input.size() / known;
    }
    Shape s = new Shape(out);
    if (s.size() != input.size()) {
      throw ctx.error("cannot reshape " + input + " (" + input.size() + " elements) to " + s);
    }
    return s;
  }
}
