package dev.plora.engine.runtime.ops;

import static dev.plora.engine.base.OwnedArrays.scalar;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * {@code LayerNormalization} (opset 17) over the axes {@code [axis, rank)}: {@code (x - mean) /
 * sqrt(var + epsilon) · Scale + B}, with the optional Mean and InvStdDev outputs.
 */
final class LayerNormalization implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    int rank = x.getShape().dimension();
    int axis = Values.axis(ctx, ctx.attributes().getInt("axis", -1), rank);
    float eps = ctx.attributes().getFloat("epsilon", 1e-5f);
    int[] axes = new int[rank - axis];
    long count = 1;
    for (int i = axis; i < rank; i++) {
      axes[i - axis] = i;
      count *= x.getShape().get(i);
    }
    NDArray n = scalar(x, count);
    NDArray mean = x.sum(axes, true).div(n);
    NDArray centered = x.sub(mean);
    NDArray var = centered.square().sum(axes, true).div(n);
    NDArray invStd = scalar(x, 1).div(var.add(scalar(x, eps)).sqrt());
    NDArray y = centered.mul(invStd).mul(in[1]);
    if (in.length > 2 && in[2] != null) {
      y = y.add(in[2]);
    }
    return new NDArray[] {y, ctx.wantsOutput(1) ? mean : null, ctx.wantsOutput(2) ? invStd : null};
  }
}
