package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Slice}: starts/ends/axes as attributes before opset 10, then starts/ends/axes/steps as
 * inputs. Bounds are clamped as the ONNX spec says; negative steps walk backwards.
 */
final class Slice implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    long[] dims = x.getShape().getShape();
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (ctx.opset() >= 10) {
      starts = Values.longs(in[1]);
      ends = Values.longs(in[2]);
      axes = in.length > 3 && in[3] != null ? Values.longs(in[3]) : null;
      steps = in.length > 4 && in[4] != null ? Values.longs(in[4]) : null;
    } else {
      starts = ctx.attributes().getInts("starts");
      ends = ctx.attributes().getInts("ends");
      axes = ctx.attributes().getInts("axes");
    }
    if (starts.length != ends.length) {
      throw ctx.error("starts and ends differ in length");
    }
    int rank = dims.length;
    long[] lo = new long[rank];
    long[] hi = dims.clone();
    long[] step = new long[rank];
    java.util.Arrays.fill(step, 1);
    for (int i = 0; i < starts.length; i++) {
      int a = Values.axis(ctx, axes == null ? i : axes[i], rank);
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw ctx.error("step 0 on axis " + a);
      }
      long d = dims[a];
      long s = starts[i] < 0 ? starts[i] + d : starts[i];
      long e = ends[i] < 0 ? ends[i] + d : ends[i];
      if (st > 0) {
        s = clamp(s, 0, d);
        e = clamp(e, 0, d);
      } else {
        s = clamp(s, 0, d - 1);
        e = clamp(e, -1, d - 1);
      }
      lo[a] = s;
      hi[a] = e;
      step[a] = st;
    }
    NDArray out = x;
    NDIndex index = new NDIndex();
    boolean anyForward = false;
    for (int a = 0; a < rank; a++) {
      if (step[a] > 0) {
        long e = Math.max(hi[a], lo[a]);
        index.addSliceDim(lo[a], e, step[a]);
        anyForward = true;
      } else {
        index.addAllDim();
      }
    }
    if (anyForward) {
      out = out.get(index);
    }
    for (int a = 0; a < rank; a++) {
      if (step[a] < 0) {
        long count = Math.max(0, (lo[a] - hi[a] - step[a] - 1) / -step[a]);
        long[] picks = new long[(int) count];
        for (int j = 0; j < count; j++) {
          picks[j] = lo[a] + j * step[a];
        }
        out = Gather.gather(ctx, out, OwnedArrays.own(ctx.manager().create(picks)), a);
      }
    }
    return new NDArray[] {out};
  }

  private static long clamp(long v, long min, long max) {
    return Math.max(min, Math.min(max, v));
  }
}
