package dev.plora.engine.base;

import ai.djl.ndarray.NDArray;

/**
 * DJL's PyTorch engine builds an array from host data by wrapping a Java direct buffer without
 * copying ({@code from_blob}); only that one Java object keeps the buffer alive. Once it is closed,
 * any view PyTorch still holds (a reshape, a detach, a tensor saved for backward) reads memory the
 * garbage collector may already have freed: nondeterministic NaN and garbage. Every array plora
 * creates from host data therefore goes through {@link #own}, which copies it into memory PyTorch
 * owns.
 *
 * <p>The same holds for DJL's scalar arithmetic ({@code x.mul(0.5)}, {@code x.div(n)}): it wraps
 * the number in a temporary host-backed tensor and closes it right after the op, but autograd saves
 * that tensor for the backward pass. Differentiable code uses {@link #scalar} instead.
 */
public final class OwnedArrays {
  private OwnedArrays() {}

  /**
   * A PyTorch-owned copy of an array created from host data; the host-backed original is closed.
   */
  public static NDArray own(NDArray fromHost) {
    NDArray copy = fromHost.duplicate();
    copy.setName(fromHost.getName());
    fromHost.close();
    return copy;
  }

  /**
   * A PyTorch-owned 0-d tensor holding {@code value} in {@code like}'s type and manager, for
   * differentiable ops.
   */
  public static NDArray scalar(NDArray like, double value) {
    NDArray s = own(like.getManager().create(value)); // float64
    if (s.getDataType() == like.getDataType()) {
      return s;
    }
    NDArray typed = s.toType(like.getDataType(), false);
    s.close();
    return typed;
  }
}
