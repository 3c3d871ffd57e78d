package dev.plora.engine.mask;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Partial-LoRA's criterion for one target weight {@code W [in, out]} and the Gram matrix
 * {@code G = XᵀX [in, in]} of its task inputs: with {@code W = U Σ Vᵀ} ({@code p = min(in, out)}
 * directions), direction i carries task energy {@code e_i = σ_i² · ‖X u_i‖² = σ_i² · u_iᵀ G u_i}, exactly
 * its share of {@code ‖X W‖²_F}. {@code k_t} is the smallest number of directions, by decreasing energy,
 * whose energy reaches {@code τ} of the total.
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
    double[][] u = new double[p][]; // left singular vectors, each [in]
    double[] sigma2 = new double[p];
    if (in <= out) {
      // W·Wᵀ [in, in] = U Σ² Uᵀ
      double[][] wwt = new double[in][in];
      for (int i = 0; i < in; i++) {
        for (int j = i; j < in; j++) {
          double s = 0;
          for (int o = 0; o < out; o++) {
            s += (double) w[i * out + o] * w[j * out + o];
          }
          wwt[i][j] = s;
          wwt[j][i] = s;
        }
      }
      EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(wwt, false));
      for (int i = 0; i < p; i++) {
        sigma2[i] = Math.max(0, eig.getRealEigenvalue(i));
        u[i] = eig.getEigenvector(i).toArray();
      }
    } else {
      // Wᵀ·W [out, out] = V Σ² Vᵀ, and u_i = W v_i / σ_i
      double[][] wtw = new double[out][out];
      for (int a = 0; a < out; a++) {
        for (int b = a; b < out; b++) {
          double s = 0;
          for (int i = 0; i < in; i++) {
            s += (double) w[i * out + a] * w[i * out + b];
          }
          wtw[a][b] = s;
          wtw[b][a] = s;
        }
      }
      EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(wtw, false));
      for (int k = 0; k < p; k++) {
        sigma2[k] = Math.max(0, eig.getRealEigenvalue(k));
        double[] v = eig.getEigenvector(k).toArray();
        double norm = Math.sqrt(sigma2[k]);
        double[] uk = new double[in];
        for (int i = 0; i < in; i++) {
          double s = 0;
          for (int o = 0; o < out; o++) {
            s += w[i * out + o] * v[o];
          }
          uk[i] = norm > 0 ? s / norm : 0;
        }
        u[k] = uk;
      }
    }
    double[] energies = new double[p];
    for (int k = 0; k < p; k++) {
      double[] gu = new double[in];
      for (int i = 0; i < in; i++) {
        double s = 0;
        for (int j = 0; j < in; j++) {
          s += gram[i * in + j] * u[k][j];
        }
        gu[i] = s;
      }
      double q = 0;
      for (int i = 0; i < in; i++) {
        q += u[k][i] * gu[i];
      }
      energies[k] = sigma2[k] * Math.max(0, q);
    }
    double[] sorted = energies.clone();
    Arrays.sort(sorted);
    double total = Arrays.stream(sorted).sum();
    if (!(total > 0)) {
      throw new IllegalArgumentException("the task inputs carry no energy through this weight (all-zero activations?)");
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
