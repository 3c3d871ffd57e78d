package dev.plora.engine.runtime.ops;

import static dev.plora.engine.base.OwnedArrays.scalar;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/** {@code Gemm}: {@code alpha·A'·B' + beta·C} with optional transposes and a broadcast C. */
final class Gemm implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Attributes a = ctx.attributes();
    NDArray x = a.getInt("transA", 0) == 1 ? in[0].transpose() : in[0];
    NDArray w = a.getInt("transB", 0) == 1 ? in[1].transpose() : in[1];
    float alpha = a.getFloat("alpha", 1f);
    float beta = a.getFloat("beta", 1f);
    NDArray y = x.matMul(w);
    if (alpha != 1f) {
      y = y.mul(scalar(y, alpha));
    }
    if (in.length > 2 && in[2] != null) {
      y = y.add(beta == 1f ? in[2] : in[2].mul(scalar(in[2], beta)));
    }
    return new NDArray[] {y};
  }
}
