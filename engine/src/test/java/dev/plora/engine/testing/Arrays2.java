package dev.plora.engine.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Comparisons of DJL arrays in tests. */
public final class Arrays2 {
  private Arrays2() {}

  /** Largest absolute elementwise difference; the shapes must match. */
  public static double maxAbsDiff(NDArray a, NDArray b) {
    if (!a.getShape().equals(b.getShape())) {
      throw new AssertionError("shape " + a.getShape() + " != " + b.getShape());
    }
    double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] y = b.toType(DataType.FLOAT64, false).toDoubleArray();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      double d = Math.abs(x[i] - y[i]);
      if (Double.isNaN(d)) {
        return Double.NaN;
      }
      m = Math.max(m, d);
    }
    return m;
  }
}
