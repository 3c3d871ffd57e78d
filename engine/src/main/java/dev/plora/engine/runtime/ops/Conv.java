package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * 2-D {@code Conv} ({@code X [N, C, H, W]}, {@code W [M, C/group, kH, kW]}, optional {@code B
 * [M]}), as vision transformers use it for patch embeddings. Supports strides, dilations, groups,
 * explicit (also asymmetric) pads and {@code auto_pad} NOTSET, VALID, SAME_UPPER, SAME_LOWER.
 */
final class Conv implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    NDArray w = in[1];
    if (x.getShape().dimension() != 4 || w.getShape().dimension() != 4) {
      throw ctx.error(
          "only 2-D convolution is supported, got input "
              + x.getShape()
              + " and weight "
              + w.getShape());
    }
    Attributes a = ctx.attributes();
    long[] strides = orDefault(a.getInts("strides"), 1);
    long[] dilations = orDefault(a.getInts("dilations"), 1);
    long group = a.getInt("group", 1);
    long[] kernel = {w.getShape().get(2), w.getShape().get(3)};
    long[] pads = a.getInts("pads");
    if (pads == null) {
      pads = new long[4];
    }
    String autoPad = a.getString("auto_pad", "NOTSET");
    if (autoPad.startsWith("SAME")) {
      for (int i = 0; i < 2; i++) {
        long inDim = x.getShape().get(2 + i);
        long outDim = (inDim + strides[i] - 1) / strides[i];
        long total =
            Math.max(0, (outDim - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inDim);
        long small = total / 2;
        pads[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
        pads[i + 2] = total - pads[i];
      }
    } else if (autoPad.equals("VALID")) {
      pads = new long[4];
    }
    // PyTorch pads symmetrically; any extra padding at the end goes in as explicit zeros.
    long[] sym = {Math.min(pads[0], pads[2]), Math.min(pads[1], pads[3])};
    for (int i = 0; i < 2; i++) {
      long before = pads[i] - sym[i];
      long after = pads[i + 2] - sym[i];
      x = padAxis(ctx, x, 2 + i, before, after);
    }
    NDArray bias =
        in.length > 2 && in[2] != null
            ? in[2]
            : ctx.manager().zeros(new Shape(w.getShape().get(0)), w.getDataType());
    NDList out =
        x.getNDArrayInternal()
            .convolution(
                x, w, bias, new Shape(strides), new Shape(sym), new Shape(dilations), (int) group);
    return new NDArray[] {out.singletonOrThrow()};
  }

  private static NDArray padAxis(OpContext ctx, NDArray x, int axis, long before, long after) {
    if (before == 0 && after == 0) {
      return x;
    }
    long[] dims = x.getShape().getShape().clone(); // getShape() exposes the array's own dims
    NDList parts = new NDList();
    if (before > 0) {
      dims[axis] = before;
      parts.add(ctx.manager().zeros(new Shape(dims.clone()), x.getDataType()));
    }
    parts.add(x);
    if (after > 0) {
      dims[axis] = after;
      parts.add(ctx.manager().zeros(new Shape(dims.clone()), x.getDataType()));
    }
    return NDArrays.concat(parts, axis);
  }

  private static long[] orDefault(long[] v, long fill) {
    return v != null ? v : new long[] {fill, fill};
  }
}
