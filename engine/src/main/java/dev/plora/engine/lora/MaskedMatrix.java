package dev.plora.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.base.OwnedArrays;

/**
 * A matrix whose masked entries are structurally zero: only the kept entries exist, as a trainable
 * vector, and the dense matrix is assembled by scattering them into zeros. Gradients, optimizer
 * state and updates therefore exist only for kept entries, and masked entries are exactly 0
 * everywhere.
 */
public final class MaskedMatrix {
  private final Mask mask;
  private final Parameter values; // [kept]
  private final NDArray index; // int64 [kept], flat row-major positions

  /**
   * @param initialDense the initial values as a row-major {@code [rows, cols]} array; masked
   *     entries are dropped
   */
  public MaskedMatrix(
      String name, Mask mask, float[] initialDense, NDManager manager, double lrScale) {
    this.mask = mask;
    float[] kept = new float[mask.kept().length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = initialDense[(int) mask.kept()[i]];
    }
    this.index = OwnedArrays.own(manager.create(mask.kept()));
    this.values = new Parameter(name, manager.create(kept), manager, lrScale, true);
  }

  public Mask mask() {
    return mask;
  }

  public Parameter parameter() {
    return values;
  }

  /** The dense {@code [rows, cols]} matrix, differentiable with respect to the kept values. */
  public NDArray dense(NDManager m) {
    Shape shape = new Shape(mask.rows(), mask.cols());
    if (mask.isDense()) {
      return values.value().reshape(shape);
    }
    NDArray zeros = m.zeros(new Shape(mask.numel()), DataType.FLOAT32);
    return zeros.put(index, values.value()).reshape(shape);
  }

  /** Row-major dense values on the host (masked entries 0), e.g. for saving. */
  public float[] denseValues() {
    float[] out = new float[Math.toIntExact(mask.numel())];
    float[] v = values.value().toFloatArray();
    for (int i = 0; i < v.length; i++) {
      out[(int) mask.kept()[i]] = v[i];
    }
    return out;
  }

  /** Replaces the kept values from a dense row-major array (masked entries of it are ignored). */
  public void load(float[] dense, NDManager m) {
    float[] kept = new float[mask.kept().length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = dense[(int) mask.kept()[i]];
    }
    values.set(m.create(kept));
  }
}
