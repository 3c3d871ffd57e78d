package dev.plora.engine.runtime.ops;

import dev.plora.engine.base.SizeLimit;
import dev.plora.engine.runtime.kernel.OpContext;
import java.util.Arrays;

/**
 * The size of a tensor an op makes from the <em>values</em> of its inputs ({@code Range}'s bounds,
 * {@code ConstantOfShape}'s shape) rather than from arrays it was given: a model file can ask for
 * any number there, so it is checked before anything is allocated.
 */
final class GeneratedSize {
  /** 2^28 elements: 1 GiB of float32, far beyond any shape a sequence model computes this way. */
  static final SizeLimit MAX_ELEMENTS =
      new SizeLimit("plora.runtime.maxGeneratedElements", 1L << 28, "elements");

  /** The most elements one Java array holds (a few below Integer.MAX_VALUE on every JVM). */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private GeneratedSize() {}

  /** The element count of {@code dims}; negative dims and counts over the limit fail the node. */
  static long ofShape(OpContext ctx, long[] dims) {
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw ctx.error("shape " + Arrays.toString(dims) + " has a negative dimension");
      }
    }
    for (long d : dims) {
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        count = Long.MAX_VALUE;
      }
      if (count == 0) {
        return 0; // a later huge dim cannot make an empty tensor larger
      }
    }
    if (MAX_ELEMENTS.exceededBy(count)) {
      throw ctx.error(MAX_ELEMENTS.describe("the output of shape " + Arrays.toString(dims), count));
    }
    return count;
  }

  /**
   * A count computed in floating point (Range's {@code ceil((limit - start) / delta)}), as the
   * length of a Java array; NaN and counts over the limit fail the node, negative ones are empty.
   */
  static int ofCount(OpContext ctx, double count) {
    if (Double.isNaN(count)) {
      throw ctx.error("the element count is not a number (an input is NaN or infinite)");
    }
    long n = (long) Math.max(count, 0); // saturates at Long.MAX_VALUE for huge and infinite counts
    if (MAX_ELEMENTS.exceededBy(n) || n > MAX_ARRAY) {
      throw ctx.error(MAX_ELEMENTS.describe("the output", n));
    }
    return (int) n;
  }
}
