package dev.plora.engine.lora;

import static dev.plora.engine.base.OwnedArrays.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.runtime.NodeOverride;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpKernel;
import java.util.Random;

/**
 * A masked LoRA adapter on one target MatMul: {@code y = x·W0 +
 * (alpha/r)·(drop(x)·(A⊙Ma)ᵀ)·(B⊙Mb)ᵀ}. It wraps the base kernel (the MatMul node stays in the
 * graph and W0 stays frozen).
 *
 * <p>Shapes: x {@code [..., in]}, A {@code [r, in]}, B {@code [out, r]}, y {@code [..., out]}.
 */
public final class LoraLayer implements NodeOverride {
  private final TargetSite site;
  private final MaskedMatrix a;
  private final MaskedMatrix b;
  private final double scale;
  private final double dropout;
  private boolean training;

  /**
   * Creates the adapter with A Kaiming-uniform (bound {@code 1/sqrt(in)}, PEFT's default) and B
   * zero.
   *
   * @param lrScale learning-rate multiplier of A and B (see {@link AdaptedModel})
   */
  public LoraLayer(
      TargetSite site,
      TargetMasks masks,
      LoraConfig config,
      NDManager manager,
      long seed,
      double lrScale) {
    int r = config.rank();
    if (masks.a().rows() != r
        || masks.a().cols() != site.in()
        || masks.b().rows() != site.out()
        || masks.b().cols() != r) {
      throw new IllegalArgumentException(
          "masks of "
              + site.module()
              + " are ["
              + masks.a().rows()
              + ", "
              + masks.a().cols()
              + "] and ["
              + masks.b().rows()
              + ", "
              + masks.b().cols()
              + "], expected ["
              + r
              + ", "
              + site.in()
              + "] and ["
              + site.out()
              + ", "
              + r
              + "]");
    }
    this.site = site;
    this.scale = config.scale();
    this.dropout = config.dropout();
    Random random = new Random(java.util.Objects.hash(seed, site.module(), "lora_A"));
    float bound = (float) (1.0 / Math.sqrt(site.in()));
    float[] initA = new float[Math.toIntExact(r * site.in())];
    for (int i = 0; i < initA.length; i++) {
      initA[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    this.a = new MaskedMatrix(site.module() + ".lora_A", masks.a(), initA, manager, lrScale);
    this.b =
        new MaskedMatrix(
            site.module() + ".lora_B",
            masks.b(),
            new float[Math.toIntExact(site.out() * r)],
            manager,
            lrScale);
  }

  public TargetSite site() {
    return site;
  }

  public MaskedMatrix a() {
    return a;
  }

  public MaskedMatrix b() {
    return b;
  }

  void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public NDArray[] run(OpContext ctx, NDArray[] inputs, OpKernel base) {
    NDArray y = base.run(ctx, inputs)[0];
    NDArray x = inputs[0];
    if (training && dropout > 0) {
      NDArray keep =
          ctx.manager().randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32).gte(dropout);
      x = x.mul(keep.toType(x.getDataType(), false)).div(scalar(x, 1 - dropout));
    }
    NDArray denseA = a.dense(ctx.manager()); // [r, in]
    NDArray denseB = b.dense(ctx.manager()); // [out, r]
    // torch.linear computes x·Wᵀ itself: two addmm-style kernels, no transposes; the scale goes on
    // B [out, r], far smaller than the [..., out] product.
    var ex = x.getNDArrayInternal();
    NDArray low = ex.linear(x, denseA, null).singletonOrThrow(); // [..., r]
    NDArray scaledB = denseB.mul(scalar(denseB, scale));
    NDArray delta = ex.linear(low, scaledB, null).singletonOrThrow(); // [..., out]
    return new NDArray[] {y.add(delta)};
  }
}
