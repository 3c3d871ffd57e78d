package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Div}. Floating point divides as usual; integer division truncates toward zero as ONNX
 * Runtime does, where PyTorch's plain division would produce floats.
 */
final class Div implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Values.broadcast(ctx, in[0].getShape(), in[1].getShape());
    DataType t = in[0].getDataType();
    if (t.isFloating()) {
      return new NDArray[] {in[0].div(in[1])};
    }
    NDArray q = in[0].toType(DataType.FLOAT64, false).div(in[1].toType(DataType.FLOAT64, false));
    return new NDArray[] {q.trunc().toType(t, false)};
  }
}
