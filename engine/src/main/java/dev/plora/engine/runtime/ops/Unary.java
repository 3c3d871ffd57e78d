package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.function.UnaryOperator;

/** An elementwise op of one input, e.g. {@code Sqrt}: a one-liner over a DJL function. */
final class Unary implements OpKernel {
  private final UnaryOperator<NDArray> f;

  Unary(UnaryOperator<NDArray> f) {
    this.f = f;
  }

  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    return new NDArray[] {f.apply(in[0])};
  }
}
