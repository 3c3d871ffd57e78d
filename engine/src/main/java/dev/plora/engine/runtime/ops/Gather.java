package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Gather} along {@code axis}: output shape {@code data[:axis] + indices + data[axis+1:]};
 * negative indices count from the end. Implemented with a flat {@code take} so gradients reach the
 * gathered rows (an embedding lookup is a Gather).
 */
final class Gather implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray data = in[0];
    NDArray indices = in[1];
    int axis = Values.axis(ctx, ctx.attributes().getInt("axis", 0), data.getShape().dimension());
    return new NDArray[] {gather(ctx, data, indices, axis)};
  }

  /** Gathers {@code indices} along {@code axis}; shared with Slice's negative steps. */
  static NDArray gather(OpContext ctx, NDArray data, NDArray indices, int axis) {
    long[] dims = data.getShape().getShape();
    int rank = dims.length;
    long n = dims[axis];
    NDArray idx = indices.toType(DataType.INT64, false);
    long[] host = idx.toLongArray();
    boolean negative = false;
    for (long v : host) {
      if (v < -n || v >= n) {
        throw ctx.error("index " + v + " is out of range for axis " + axis + " of size " + n);
      }
      negative |= v < 0;
    }
    NDArray flatIdx = idx.flatten();
    if (negative) {
      flatIdx = flatIdx.add(flatIdx.lt(0).toType(DataType.INT64, false).mul(n));
    }
    // Move the gathered axis to the front: [n, rest...].
    int[] perm = new int[rank];
    perm[0] = axis;
    for (int i = 0, j = 1; i < rank; i++) {
      if (i != axis) {
        perm[j++] = i;
      }
    }
    NDArray front = axis == 0 ? data : data.transpose(perm);
    long rest = data.getShape().size() / Math.max(n, 1);
    long k = flatIdx.getShape().size();
    NDArray table = front.reshape(n, rest); // [n, rest]
    NDArray cols = ctx.manager().arange(0, rest, 1, DataType.INT64).reshape(1, rest);
    NDArray flat = flatIdx.reshape(k, 1).mul(rest).add(cols); // [k, rest] positions in the table
    NDArray picked = table.take(ctx.manager(), flat); // [k, rest]
    // [indices..., other dims...] then move the index dims to where the axis was.
    long[] idxDims = indices.getShape().getShape();
    long[] outFront = new long[idxDims.length + rank - 1];
    System.arraycopy(idxDims, 0, outFront, 0, idxDims.length);
    for (int i = 1; i < rank; i++) {
      outFront[idxDims.length + i - 1] = dims[perm[i]];
    }
    NDArray shaped = picked.reshape(new Shape(outFront));
    if (axis == 0) {
      return shaped;
    }
    int q = idxDims.length;
    int outRank = outFront.length;
    int[] back = new int[outRank];
    int p = 0;
    for (int i = 0; i < axis; i++) {
      back[p++] = q + i;
    }
    for (int i = 0; i < q; i++) {
      back[p++] = i;
    }
    for (int i = q + axis; i < outRank; i++) {
      back[p++] = i;
    }
    return shaped.transpose(back);
  }
}
