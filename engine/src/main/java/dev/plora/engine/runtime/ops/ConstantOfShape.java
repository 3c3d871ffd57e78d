package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code ConstantOfShape}: a tensor of the given shape filled with {@code value} (float32 0 by
 * default).
 */
final class ConstantOfShape implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    long[] dims = Values.longs(in[0]);
    GeneratedSize.ofShape(ctx, dims); // the shape is data: bounded before anything is allocated
    Shape shape = new Shape(dims);
    TensorProto value = ctx.attributes().getTensor("value");
    if (value == null) {
      return new NDArray[] {ctx.manager().zeros(shape, DataType.FLOAT32)};
    }
    NDArray one = TensorCodec.decode(value, ctx.manager()).reshape(1);
    // Broadcast then copy, so the result is an ordinary (writable) tensor of any element type.
    return new NDArray[] {one.broadcast(shape).duplicate()};
  }
}
