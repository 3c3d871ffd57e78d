package dev.plora.engine.mask;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Partial-LoRA's criterion for one target weight {@code W [in, out]} and the Gram matrix {@code G =
 * XᵀX [in, in]} of its task inputs: with {@code W = U Σ Vᵀ} ({@code p = min(in, out)} directions),
 * direction i carries task energy {@code e_i = σ_i² · ‖X u_i‖² = σ_i² · u_iᵀ G u_i}, exactly its
 * share of {@code ‖X W‖²_F}. {@code k_t} is the smallest number of directions, by decreasing
 * energy, whose energy reaches {@code τ} of the total.
 */
public final class TaskEnergy {
  /**
   * @param k the number of directions k_t
   * @param p min(in, out)
   * @param topShare the largest single direction's share of the energy
   */
  public record Result(int k, int p, double topShare, double[] energies) {
    /** {@code clamp(k/p, dMin, 1)}. */
    public double density(double dMin) {
      return Math.max(dMin, Math.min(1.0, k / (double) p));
    }
  }

  private TaskEnergy() {}

  // The loops below are written as y += a·x over contiguous rows, not as dot products: the JIT may
  // vectorize independent row updates, but not a dot product's sum, whose order it must keep. On
  // MiniLM this made discovery 1.4x faster (bench/RESULTS.md).

  /** y[from, to) += a · x[from, to). */
  private static void axpy(double a, double[] x, double[] y, int from, int to) {
    if (a == 0) {
      return;
    }
    for (int k = from; k < to; k++) {
      y[k] += a * x[k];
    }
  }

  /** W·Wᵀ [in, in] of row-major {@code w [in, out]}. */
  private static double[][] gramOfRows(float[] w, int in, int out) {
    double[][] wt = new double[out][in];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        wt[o][i] = w[i * out + o];
      }
    }
    double[][] g = new double[in][in];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        axpy(wt[o][i], wt[o], g[i], i, in); // upper triangle, row i
      }
      for (int j = i + 1; j < in; j++) {
        g[j][i] = g[i][j];
      }
    }
    return g;
  }

  /** Wᵀ·W [out, out] of row-major {@code w [in, out]}. */
  private static double[][] gramOfColumns(float[] w, int in, int out) {
    double[][] g = new double[out][out];
    double[] row = new double[out];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        row[o] = w[i * out + o];
      }
      for (int a = 0; a < out; a++) {
        axpy(row[a], row, g[a], a, out); // upper triangle, row a
      }
    }
    for (int a = 0; a < out; a++) {
      for (int b = a + 1; b < out; b++) {
        g[b][a] = g[a][b];
      }
    }
    return g;
  }

  /**
   * @param w row-major {@code [in, out]}
   * @param gram row-major {@code [in, in]}, symmetric
   * @param tau threshold in (0, 1]
   */
  public static Result of(float[] w, int in, int out, double[] gram, double tau) {
    if (!(tau > 0 && tau <= 1)) {
      throw new IllegalArgumentException("tau must be in (0, 1], got " + tau);
    }
    int p = Math.min(in, out);
    double[] sigma2 = new double[p];
    double[][] u; // [in][p]: column k is the left singular vector u_k
    if (in <= out) {
      // W·Wᵀ [in, in] = U Σ² Uᵀ
      EigenDecomposition eig =
          new EigenDecomposition(new Array2DRowRealMatrix(gramOfRows(w, in, out), false));
      for (int k = 0; k < p; k++) {
        sigma2[k] = Math.max(0, eig.getRealEigenvalue(k));
      }
      u = eig.getV().getData();
    } else {
      // Wᵀ·W [out, out] = V Σ² Vᵀ, and u_k = W v_k / σ_k
      EigenDecomposition eig =
          new EigenDecomposition(new Array2DRowRealMatrix(gramOfColumns(w, in, out), false));
      double[][] v = eig.getV().getData(); // [out][p]
      double[] inverseSigma = new double[p];
      for (int k = 0; k < p; k++) {
        sigma2[k] = Math.max(0, eig.getRealEigenvalue(k));
        inverseSigma[k] = sigma2[k] > 0 ? 1 / Math.sqrt(sigma2[k]) : 0;
      }
      u = new double[in][p];
      for (int i = 0; i < in; i++) {
        double[] ui = u[i];
        for (int o = 0; o < out; o++) {
          axpy(w[i * out + o], v[o], ui, 0, p);
        }
        for (int k = 0; k < p; k++) {
          ui[k] *= inverseSigma[k];
        }
      }
    }
    // q_k = u_kᵀ G u_k for all k at once: row i of G·U, then q += U[i] ⊙ (G·U)[i].
    double[] q = new double[p];
    double[] gu = new double[p];
    for (int i = 0; i < in; i++) {
      Arrays.fill(gu, 0);
      for (int j = 0; j < in; j++) {
        axpy(gram[i * in + j], u[j], gu, 0, p);
      }
      double[] ui = u[i];
      for (int k = 0; k < p; k++) {
        q[k] += ui[k] * gu[k];
      }
    }
    double[] energies = new double[p];
    for (int k = 0; k < p; k++) {
      energies[k] = sigma2[k] * Math.max(0, q[k]);
    }
    double[] sorted = energies.clone();
    Arrays.sort(sorted);
    double total = Arrays.stream(sorted).sum();
    if (!(total > 0)) {
      throw new IllegalArgumentException(
          "the task inputs carry no energy through this weight (all-zero activations?)");
    }
    double acc = 0;
    int k = 0;
    for (int i = sorted.length - 1; i >= 0; i--) {
      acc += sorted[i];
      k++;
      if (acc >= tau * total * (1 - 1e-12)) {
        break;
      }
    }
    return new Result(k, p, sorted[sorted.length - 1] / total, energies);
  }
}
