package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.function.BinaryOperator;

/**
 * An elementwise op of two inputs with numpy broadcasting, e.g. {@code Add}.
 * Broadcast-compatibility is checked first so a mismatch names the node rather than failing inside
 * PyTorch.
 */
final class Binary implements OpKernel {
  private final BinaryOperator<NDArray> f;

  Binary(BinaryOperator<NDArray> f) {
    this.f = f;
  }

  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Values.broadcast(ctx, in[0].getShape(), in[1].getShape());
    return new NDArray[] {f.apply(in[0], in[1])};
  }
}
