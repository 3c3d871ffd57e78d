package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MKL vendor helper in real processes: a fresh JVM each time, because MKL binds its vendor
 * check at the process's first GEMM and this test JVM has run many already.
 */
class MklCpuDispatchTest {

  @Test
  void mklAsksTheHelperAndTheProductStaysTheSame() throws Exception {
    List<String> on = probe(true);
    List<String> off = probe(false);

    assertThat(on.get(0)).isEqualTo("loaded=true");
    // MKL consulted the helper: the interposition took effect (0: MKL bound its own answer).
    assertThat(Long.parseLong(on.get(1).substring("queries=".length()))).isPositive();
    assertThat(off.subList(0, 2)).containsExactly("loaded=false", "queries=0");

    // Other kernels, other summation order: equal to fp32 rounding over 384-long dot products,
    // measured against the largest entry (~80; entries near zero carry the same absolute error).
    assertThat(on).hasSameSizeAs(off).hasSize(2 + 256 * 192);
    double worst = 0;
    double largest = 0;
    for (int i = 2; i < on.size(); i++) {
      double a = Double.parseDouble(on.get(i));
      double b = Double.parseDouble(off.get(i));
      worst = Math.max(worst, Math.abs(a - b));
      largest = Math.max(largest, Math.abs(b));
    }
    assertThat(largest).isGreaterThan(10);
    assertThat(worst / largest).isLessThan(1e-6);
  }

  private static List<String> probe(boolean helper) throws Exception {
    return FreshJvm.run(
        MklCpuDispatchProbe.class,
        MklCpuDispatch.PROPERTY + "=" + helper,
        "ai.djl.pytorch.num_threads=1");
  }
}
