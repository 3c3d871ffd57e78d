package dev.plora.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GPU images' PyTorch environment, checked on the CPU. */
class TorchEnvironmentTest {
  @Test
  void theBundledCpuLibtorchNeedsNothing() {
    assertThat(TorchEnvironment.problems(Map.of())).isEmpty();
    assertThat(TorchEnvironment.problems(Map.of("PYTORCH_FLAVOR", "cpu"))).isEmpty();
  }

  @Test
  void theGpuOverlaysEnvironmentIsComplete() {
    assertThat(
            TorchEnvironment.problems(
                Map.of(
                    "PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib",
                    "PYTORCH_FLAVOR", "cu128",
                    "PYTORCH_VERSION", "2.7.1")))
        .isEmpty();
  }

  @Test
  void aLibraryPathAloneOrACudaFlavorAloneIsRefusedWithWhy() {
    assertThat(TorchEnvironment.problems(Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib")))
        .containsExactly(
            "PYTORCH_LIBRARY_PATH is set, so PYTORCH_FLAVOR (e.g. cu128) and PYTORCH_VERSION (e.g."
                + " 2.7.1) must be too; DJL cannot tell which JNI to load otherwise");
    assertThat(TorchEnvironment.problems(Map.of("PYTORCH_FLAVOR", "cu128")))
        .singleElement()
        .asString()
        .startsWith("PYTORCH_FLAVOR=cu128 without PYTORCH_LIBRARY_PATH");
    assertThat(
            TorchEnvironment.problems(
                Map.of(
                    "PYTORCH_LIBRARY_PATH", "/l",
                    "PYTORCH_FLAVOR", "cuda12",
                    "PYTORCH_VERSION", "2.7")))
        .containsExactly(
            "PYTORCH_FLAVOR must be cpu, cpu-precxx11 or cuNNN (e.g. cu128), got 'cuda12'",
            "PYTORCH_VERSION must be a libtorch version like 2.7.1, got '2.7'");
  }
}
