package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.Arrays;

/**
 * {@code Unsqueeze}: axes are an attribute before opset 13 and an input from 13; negative axes
 * count from the output rank.
 */
final class Unsqueeze implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    long[] axes = Values.axesArgument(ctx, in, 1, 13);
    if (axes == null) {
      throw ctx.error("axes are required");
    }
    int outRank = in[0].getShape().dimension() + axes.length;
    int[] norm = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      norm[i] = Values.axis(ctx, axes[i], outRank);
    }
    Arrays.sort(norm);
    NDArray out = in[0];
    for (int a : norm) {
      out = out.expandDims(a);
    }
    return new NDArray[] {out == in[0] ? in[0].reshape(in[0].getShape()) : out};
  }
}
