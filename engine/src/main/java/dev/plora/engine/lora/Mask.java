package dev.plora.engine.lora;

import java.util.Arrays;
import java.util.Random;

/**
 * A fixed binary mask over a {@code [rows, cols]} matrix, held as the sorted flat indices of the
 * kept entries (row-major).
 */
public record Mask(long rows, long cols, long[] kept) {
  public Mask {
    long n = rows * cols;
    for (int i = 0; i < kept.length; i++) {
      if (kept[i] < 0 || kept[i] >= n || (i > 0 && kept[i] <= kept[i - 1])) {
        throw new IllegalArgumentException(
            "mask indices must be sorted, distinct and in [0, " + n + ")");
      }
    }
  }

  public long numel() {
    return rows * cols;
  }

  public double density() {
    return kept.length / (double) numel();
  }

  public boolean isDense() {
    return kept.length == numel();
  }

  public static Mask dense(long rows, long cols) {
    long[] all = new long[Math.toIntExact(rows * cols)];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return new Mask(rows, cols, all);
  }

  /**
   * Exactly {@code round(density · rows · cols)} entries (at least one), chosen uniformly with
   * {@code random}.
   */
  public static Mask random(long rows, long cols, double density, Random random) {
    if (!(density > 0 && density <= 1)) {
      throw new IllegalArgumentException("density must be in (0, 1], got " + density);
    }
    return randomCount(rows, cols, (int) Math.max(1, Math.round(density * rows * cols)), random);
  }

  /** Exactly {@code k} entries, chosen uniformly with {@code random}. */
  public static Mask randomCount(long rows, long cols, int k, Random random) {
    int n = Math.toIntExact(rows * cols);
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("kept entries must be in [1, " + n + "], got " + k);
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = 0; i < k; i++) { // partial Fisher-Yates: the first k are a uniform k-subset
      int j = i + random.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    long[] kept = Arrays.stream(idx, 0, k).asLongStream().sorted().toArray();
    return new Mask(rows, cols, kept);
  }

  /** The mask from a 0/1 matrix given row-major. */
  public static Mask fromValues(long rows, long cols, float[] values) {
    return new Mask(
        rows,
        cols,
        java.util.stream.IntStream.range(0, values.length)
            .filter(i -> values[i] != 0f)
            .asLongStream()
            .toArray());
  }

  /** The mask as a uint8 0/1 tensor {@code [rows, cols]} named {@code name}, as files store it. */
  public ai.djl.ndarray.NDArray toTensor(ai.djl.ndarray.NDManager manager, String name) {
    byte[] b = new byte[Math.toIntExact(numel())];
    for (long k : kept) {
      b[(int) k] = 1;
    }
    ai.djl.ndarray.NDArray a =
        manager.create(
            java.nio.ByteBuffer.wrap(b),
            new ai.djl.ndarray.types.Shape(rows, cols),
            ai.djl.ndarray.types.DataType.UINT8);
    a.setName(name);
    return a;
  }

  /** The mask as row-major 0/1 values. */
  public float[] toValues() {
    float[] v = new float[Math.toIntExact(numel())];
    for (long k : kept) {
      v[(int) k] = 1f;
    }
    return v;
  }
}
