package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Run in a fresh JVM by {@link MklCpuDispatchTest}: installs the MKL vendor helper (unless the
 * property turns it off) before PyTorch's first GEMM, multiplies two fixed matrices, and prints how
 * often MKL asked the helper, then the product's entries.
 */
public final class MklCpuDispatchProbe {
  private MklCpuDispatchProbe() {}

  public static void main(String[] args) {
    boolean loaded = MklCpuDispatch.install();
    Random random = new Random(7);
    int m = 256;
    int k = 384;
    int n = 192;
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(gaussian(random, m * k), new Shape(m, k));
      NDArray b = manager.create(gaussian(random, k * n), new Shape(k, n));
      float[] product = a.matMul(b).toFloatArray();
      StringBuilder out = new StringBuilder();
      out.append("loaded=").append(loaded).append('\n');
      out.append("queries=").append(MklCpuDispatch.intelCpuQueries()).append('\n');
      for (float v : product) {
        out.append(v).append('\n');
      }
      System.out.print(out);
    }
  }

  private static float[] gaussian(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
