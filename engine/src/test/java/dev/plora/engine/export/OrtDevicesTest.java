package dev.plora.engine.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.DeviceChoice;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's provider choice, on this CPU machine and for a build with CUDA. */
class OrtDevicesTest {
  static final EnumSet<OrtProvider> CPU_BUILD = EnumSet.of(OrtProvider.CPU);
  static final EnumSet<OrtProvider> GPU_BUILD = EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA);

  @Test
  void cudaWhenAskedOrAvailableTheCpuOtherwise() {
    assertThat(OrtDevices.choose(DeviceChoice.CPU, GPU_BUILD)).isEqualTo(OrtDevices.Provider.CPU);
    assertThat(OrtDevices.choose(DeviceChoice.GPU, GPU_BUILD)).isEqualTo(OrtDevices.Provider.CUDA);
    assertThat(OrtDevices.choose(DeviceChoice.AUTO, GPU_BUILD)).isEqualTo(OrtDevices.Provider.CUDA);
    assertThat(OrtDevices.choose(DeviceChoice.CPU, CPU_BUILD)).isEqualTo(OrtDevices.Provider.CPU);
    assertThat(OrtDevices.choose(DeviceChoice.AUTO, CPU_BUILD)).isEqualTo(OrtDevices.Provider.CPU);
    assertThatThrownBy(() -> OrtDevices.choose(DeviceChoice.GPU, CPU_BUILD))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "device is gpu, but this ONNX Runtime has no CUDA provider (it is the CPU build; the GPU"
                + " images carry onnxruntime_gpu with CUDA 12 and cuDNN 9)");
  }

  /** This machine's build is the CPU one: auto runs there and says so once; gpu is refused. */
  @Test
  void onTheCpuBuildAutoFallsBackOnceAndGpuIsRefused() {
    assertThat(OrtEnvironment.getAvailableProviders()).doesNotContain(OrtProvider.CUDA);
    List<LogRecord> said = new ArrayList<>();
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            said.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger(OrtDevices.class.getName());
    log.addHandler(h);
    try {
      boolean saidBefore = OrtDevices.cpuFallbackSaid();
      for (int i = 0; i < 3; i++) {
        try (OrtDevices.Options o = OrtDevices.options(DeviceChoice.AUTO)) {
          assertThat(o.provider()).isEqualTo(OrtDevices.Provider.CPU);
        }
      }
      assertThat(OrtDevices.cpuFallbackSaid()).isTrue();
      assertThat(said)
          .hasSize(saidBefore ? 0 : 1)
          .allSatisfy(
              r ->
                  assertThat(r.getMessage())
                      .isEqualTo(
                          "ONNX Runtime runs on the CPU: this ONNX Runtime build has no CUDA provider"));
    } finally {
      log.removeHandler(h);
    }
    assertThatThrownBy(() -> OrtDevices.options(DeviceChoice.GPU))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no CUDA provider");
  }
}
