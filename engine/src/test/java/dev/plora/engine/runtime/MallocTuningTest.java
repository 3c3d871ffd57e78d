package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The malloc tuning in real processes, fresh JVMs with no malloc settings in their environment:
 * freed step memory stays in the process with it (few page faults per repeated step), and glibc
 * hands a good part of it back to the kernel without it (faulted in again every step).
 */
class MallocTuningTest {

  @Test
  void stepMemoryIsReusedInsteadOfFaultedInAgain() throws Exception {
    Map<String, Long> on = probe(true);
    Map<String, Long> off = probe(false);

    assertThat(on.get("accepted")).isEqualTo(7L);
    assertThat(off.get("accepted")).isZero();
    long pages = on.get("pagesPerStep");
    // Measured per step: tuned mostly ~10, with an occasional heap growth of a few thousand (mean
    // ~1,200); glibc's defaults 6,000–55,000 (mean 17,000–28,000); the forward writes 92,160 pages.
    assertThat(on.get("faultsPerStep")).as("faults per step, tuned").isLessThan(pages / 20);
    assertThat(off.get("faultsPerStep"))
        .as("faults per step, glibc defaults")
        .isGreaterThan(pages / 20);
  }

  @Test
  void settingsTheUserMadeAreLeftAlone() {
    Map<String, String> env = new HashMap<>();
    env.put("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.top_pad=1048576");
    env.put("MALLOC_TRIM_THRESHOLD_", "131072");

    assertThat(MallocTuning.userSets(env, "top_pad")).isTrue();
    assertThat(MallocTuning.userSets(env, "trim_threshold")).isTrue();
    assertThat(MallocTuning.userSets(env, "mmap_threshold")).isFalse();
    assertThat(MallocTuning.userSets(Map.of(), "top_pad")).isFalse();
  }

  private static Map<String, Long> probe(boolean tune) throws Exception {
    Map<String, Long> values = new HashMap<>();
    for (String line :
        FreshJvm.run(
            MallocTuningProbe.class,
            MallocTuning.PROPERTY + "=" + tune,
            "ai.djl.pytorch.num_threads=2")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
      }
    }
    return values;
  }
}
