package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.base.OwnedArrays;
import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code Constant}: from {@code value} (a tensor) or the scalar/list forms {@code value_float(s)},
 * {@code value_int(s)}.
 */
final class Constant implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    Attributes a = ctx.attributes();
    if (a.has("value")) {
      return new NDArray[] {TensorCodec.decode(a.getTensor("value"), ctx.manager())};
    }
    if (a.has("value_float")) {
      return new NDArray[] {OwnedArrays.own(ctx.manager().create(a.getFloat("value_float", 0f)))};
    }
    if (a.has("value_floats")) {
      return new NDArray[] {OwnedArrays.own(ctx.manager().create(a.getFloats("value_floats")))};
    }
    if (a.has("value_int")) {
      return new NDArray[] {OwnedArrays.own(ctx.manager().create(a.getInt("value_int")))};
    }
    if (a.has("value_ints")) {
      long[] v = a.getInts("value_ints");
      return new NDArray[] {OwnedArrays.own(ctx.manager().create(v, new Shape(v.length)))};
    }
    throw ctx.error("only the value, value_float(s) and value_int(s) forms are supported");
  }
}
