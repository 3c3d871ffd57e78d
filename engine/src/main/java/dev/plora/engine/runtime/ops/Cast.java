package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.onnx.TensorDataType;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Cast} to the {@code to} type. A cast to the type the input already has returns the input,
 * so gradients are not cut where exporters insert no-op casts.
 */
final class Cast implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    DataType to =
        TensorDataType.toDjl((int) ctx.attributes().getInt("to"), ctx.node().getOutput(0));
    if (in[0].getDataType() == to) {
      return new NDArray[] {in[0]};
    }
    return new NDArray[] {in[0].toType(to, false)};
  }
}
