package dev.plora.engine.runtime.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;

/**
 * Layer normalisation over the last axis as one PyTorch kernel ({@code torch.layer_norm}, with its
 * own backward), in place of the nine ops a decomposed export computes it with: inputs X, Scale, B;
 * attribute {@code epsilon}. Put there by the graph optimiser's LayerNormFusion.
 */
final class FusedLayerNorm implements OpKernel {
  @Override
  public NDArray[] run(OpContext ctx, NDArray[] in) {
    NDArray x = in[0];
    float eps = ctx.attributes().getFloat("epsilon", 1e-5f);
    Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
    return new NDArray[] {
      x.getNDArrayInternal().layerNorm(x, last, in[1], in[2], eps).singletonOrThrow()
    };
  }
}
