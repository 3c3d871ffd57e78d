package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * Scaled dot-product attention as one PyTorch kernel with its own backward, inputs Q {@code [b, h,
 * s, d]}, Kᵀ {@code [b, h, d, s]}, V {@code [b, h, s, d]} and the additive mask, attribute {@code
 * scale}: in place of {@code MatMul(Q, Kᵀ) → Div √d → Add mask → Softmax → MatMul V}, which
 * materialises the {@code [b, h, s, s]} scores three times over (and again in the backward). Put
 * there by AttentionFusion, with the Softmax's {@code axis} (-1, or 3 for rank-4 scores). Inputs of
 * another rank with axis -1 take the decomposed path.
 */
final class FusedAttention implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    float scale = ctx.attributes().getFloat("scale", Float.NaN);
    if (Float.isNaN(scale)) {
      throw ctx.error("the fused attention has no 'scale' attribute");
    }
    NDArray q = in[0];
    NDArray kt = in[1];
    NDArray v = in[2];
    NDArray mask = in[3];
    boolean rank4 =
        q.getShape().dimension() == 4
            && kt.getShape().dimension() == 4
            && v.getShape().dimension() == 4;
    if (rank4) {
      return new NDArray[] {TorchAttention.apply(q, kt, v, mask, scale)};
    }
    if (ctx.attributes().getInt("axis", -1) == -1) {
      return new NDArray[] {q.matMul(kt).mul(scale).add(mask).softmax(-1).matMul(v)};
    }
    throw ctx.error(
        "the fused attention (softmax on axis 3) needs rank-4 Q, Kᵀ and V, got "
            + q.getShape()
            + ", "
            + kt.getShape()
            + ", "
            + v.getShape()
            + " (-Dplora.graph.optimize=false runs the graph as exported)");
  }
}
