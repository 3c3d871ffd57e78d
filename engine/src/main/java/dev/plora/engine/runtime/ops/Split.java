package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Split}: part sizes from the {@code split} attribute (before 13) or input (from 13);
 * without them, equal parts, one per output (or {@code num_outputs} from opset 18, the last part
 * smaller).
 */
final class Split implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    int axis = Values.axis(ctx, ctx.attributes().getInt("axis", 0), x.getShape().dimension());
    long dim = x.getShape().get(axis);
    long[] sizes =
        ctx.opset() >= 13
            ? (in.length > 1 && in[1] != null ? Values.longs(in[1]) : null)
            : ctx.attributes().getInts("split");
    int parts = ctx.outputCount();
    if (sizes == null) {
      long n = ctx.attributes().getInt("num_outputs", parts);
      long each = (dim + n - 1) / n;
      sizes = new long[(int) n];
      for (int i = 0; i < n; i++) {
        sizes[i] = Math.max(0, Math.min(each, dim - i * each));
      }
    }
    long total = 0;
    long[] points = new long[sizes.length - 1];
    for (int i = 0; i < sizes.length; i++) {
      total += sizes[i];
      if (i < points.length) {
        points[i] = total;
      }
    }
    if (total != dim) {
      throw ctx.error(
          "split sizes " + java.util.Arrays.toString(sizes) + " do not add up to dim " + dim);
    }
    NDList list = points.length == 0 ? new NDList(x.duplicate()) : x.split(points, axis);
    return list.toArray(new NDArray[0]);
  }
}
