package dev.plora.engine.runtime.ops;

import static dev.plora.engine.base.OwnedArrays.scalar;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.Arrays;

/**
 * {@code ReduceSum}, {@code ReduceMean}, {@code ReduceMax}: axes from the attribute, or from the
 * second input once the op's opset moved them there (13 for ReduceSum, 18 for the others). {@code
 * keepdims} defaults to 1; with no axes every axis is reduced unless {@code noop_with_empty_axes}.
 */
final class Reduce implements OpKernel {
  enum Kind {
    SUM,
    MEAN,
    MAX
  }

  private final Kind kind;
  private final int axesInputSince;

  Reduce(Kind kind, int axesInputSince) {
    this.kind = kind;
    this.axesInputSince = axesInputSince;
  }

  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    int rank = x.getShape().dimension();
    boolean keep = ctx.attributes().getInt("keepdims", 1) == 1;
    long[] axes = Values.axesArgument(ctx, in, 1, axesInputSince);
    if (axes == null || axes.length == 0) {
      if (ctx.attributes().getInt("noop_with_empty_axes", 0) == 1) {
        return new NDArray[] {x};
      }
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    int[] ax = new int[axes.length];
    long count = 1;
    for (int i = 0; i < axes.length; i++) {
      ax[i] = Values.axis(ctx, axes[i], rank);
      count *= x.getShape().get(ax[i]);
    }
    ax = Arrays.stream(ax).distinct().sorted().toArray();
    switch (kind) {
      case SUM:
        return new NDArray[] {x.sum(ax, keep)};
      case MEAN:
        // DJL's PyTorch mean takes one axis; a sum over all of them divided by the count is the
        // same.
        NDArray sum = x.sum(ax, keep);
        return new NDArray[] {sum.div(scalar(sum, count))};
      default:
        NDArray m = x;
        for (int i = ax.length - 1; i >= 0; i--) {
          m = m.max(new int[] {ax[i]}, keep);
        }
        return new NDArray[] {m};
    }
  }
}
