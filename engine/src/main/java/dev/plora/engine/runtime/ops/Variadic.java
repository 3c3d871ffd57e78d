package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.function.BinaryOperator;

/**
 * An elementwise op over one or more broadcast inputs folded pairwise, e.g. {@code Max}, {@code
 * Min}.
 */
final class Variadic implements OpKernel {
  private final BinaryOperator<NDArray> f;

  Variadic(BinaryOperator<NDArray> f) {
    this.f = f;
  }

  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray acc = in[0];
    for (int i = 1; i < in.length; i++) {
      Values.broadcast(ctx, acc.getShape(), in[i].getShape());
      acc = f.apply(acc, in[i]);
    }
    return new NDArray[] {acc};
  }
}
