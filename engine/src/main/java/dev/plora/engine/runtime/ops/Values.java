package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;

/** Reading small integer tensors (shapes, axes, indices) to the host, and axis arithmetic. */
final class Values {
  private Values() {}

  /** The values of an integer tensor as longs. */
  static long[] longs(NDArray a) {
    if (a.getDataType() == DataType.INT64) {
      return a.toLongArray();
    }
    if (a.getDataType() == DataType.INT32) {
      int[] v = a.toIntArray();
      long[] out = new long[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i];
      }
      return out;
    }
    return a.toType(DataType.INT64, false).toLongArray();
  }

  /** The single value of a scalar or one-element tensor, as a double. */
  static double scalar(NDArray a) {
    return a.toType(DataType.FLOAT64, false).toDoubleArray()[0];
  }

  /** Maps a possibly negative axis into {@code [0, rank)}, or fails naming the node. */
  static int axis(OpContext ctx, long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw ctx.error("axis " + axis + " is out of range for rank " + rank);
    }
    return (int) a;
  }

  /**
   * The axes of an op whose axes moved from an attribute to an input at {@code inputSince}: read
   * from input {@code index} at that opset and later, else from the "axes" attribute. Null when
   * absent.
   */
  static long[] axesArgument(OpContext ctx, NDArray[] inputs, int index, int inputSince) {
    if (ctx.opset() >= inputSince) {
      return index < inputs.length && inputs[index] != null ? longs(inputs[index]) : null;
    }
    return ctx.attributes().getInts("axes");
  }

  /** numpy broadcasting of two shapes. */
  static Shape broadcast(OpContext ctx, Shape a, Shape b) {
    int rank = Math.max(a.dimension(), b.dimension());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.dimension() ? 1 : a.get(i - (rank - a.dimension()));
      long db = i < rank - b.dimension() ? 1 : b.get(i - (rank - b.dimension()));
      if (da != db && da != 1 && db != 1) {
        throw ctx.error("shapes " + a + " and " + b + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }

  static long product(long[] dims, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      p *= dims[i];
    }
    return p;
  }
}
