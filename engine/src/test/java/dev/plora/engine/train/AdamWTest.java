package dev.plora.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.plora.engine.lora.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AdamW's native in-place update against the textbook formula computed here in doubles. */
class AdamWTest {
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final double EPS = 1e-8;

  @Test
  void twoStepsMatchTheFormulaWithDecayScaleAndGradientScaling() {
    double lr = 0.01;
    double wd = 0.1;
    double[][] c = {{0.1, -0.2, 0.3}, {-0.05, 0.4, 0.0}}; // d loss / d w at steps 1 and 2
    double[] gradScale = {1.0, 0.5};
    double[] decayed = {0.5, -1.0, 2.0};
    double[] plain = {0.25, 0.75, -0.5};
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter a = new Parameter("a", m.create(toFloats(decayed)), m, 2.0, true);
      Parameter b = new Parameter("b", m.create(toFloats(plain)), m, 1.0, false);
      AdamW adam = new AdamW(wd, m);
      double[][] ma = new double[2][3]; // a's moments: row 0 first, row 1 second
      double[][] mb = new double[2][3];
      for (int t = 1; t <= 2; t++) {
        double[] g = c[t - 1];
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          NDArray weights = m.create(toFloats(g));
          gc.backward(a.value().mul(weights).sum().add(b.value().mul(weights).sum()));
        }
        List<Parameter> params = List.of(a, b);
        adam.step(
            params,
            List.of(a.value().getGradient(), b.value().getGradient()),
            lr,
            gradScale[t - 1]);
        // The formula: p ← p − lr·s·(m̂/(√v̂+ε) + wd·p), moments of the scaled gradient.
        textbook(decayed, ma, g, gradScale[t - 1], t, lr * 2.0, wd);
        textbook(plain, mb, g, gradScale[t - 1], t, lr, 0);
        assertThat(toDoubles(a.value().toFloatArray())).containsExactly(decayed, within(1e-6));
        assertThat(toDoubles(b.value().toFloatArray())).containsExactly(plain, within(1e-6));
      }
      assertThat(adam.steps()).isEqualTo(2);
      assertThat(adam.stateBytes()).isEqualTo(2 * 2 * 3 * 4);
    }
  }

  private static void textbook(
      double[] p, double[][] mv, double[] g, double scale, int t, double step, double wd) {
    for (int i = 0; i < p.length; i++) {
      double gi = g[i] * scale;
      mv[0][i] = B1 * mv[0][i] + (1 - B1) * gi;
      mv[1][i] = B2 * mv[1][i] + (1 - B2) * gi * gi;
      double mHat = mv[0][i] / (1 - Math.pow(B1, t));
      double vHat = mv[1][i] / (1 - Math.pow(B2, t));
      p[i] -= step * (mHat / (Math.sqrt(vHat) + EPS) + wd * p[i]);
    }
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
