package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Pow}: the exponent may have another type than the base (ONNX T1/T2); it takes the base's.
 */
final class Pow implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Values.broadcast(ctx, in[0].getShape(), in[1].getShape());
    NDArray exponent = in[1];
    if (exponent.getDataType() != in[0].getDataType()) {
      exponent = exponent.toType(in[0].getDataType(), false);
    }
    return new NDArray[] {in[0].pow(exponent)};
  }
}
