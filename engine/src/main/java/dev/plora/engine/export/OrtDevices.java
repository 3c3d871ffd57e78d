package dev.plora.engine.export;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.DeviceChoice;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where ONNX Runtime runs a session: its CUDA provider when asked for or, with {@code auto}, when
 * this ONNX Runtime build has one and it starts; the CPU otherwise, said once in the log. The CPU
 * build ({@code com.microsoft.onnxruntime:onnxruntime}) has no CUDA provider; the GPU images carry
 * {@code onnxruntime_gpu} (CUDA 12, cuDNN 9) instead.
 */
public final class OrtDevices {
  private static final System.Logger LOG = System.getLogger(OrtDevices.class.getName());
  private static final AtomicBoolean CPU_FALLBACK_SAID = new AtomicBoolean();

  /** The execution providers plora uses. */
  public enum Provider {
    CPU,
    CUDA
  }

  private OrtDevices() {}

  /** The pure decision, for tests: {@code available} is what the ONNX Runtime build offers. */
  public static Provider choose(DeviceChoice choice, Set<OrtProvider> available) {
    boolean cuda = available.contains(OrtProvider.CUDA);
    return switch (choice) {
      case CPU -> Provider.CPU;
      case GPU -> {
        if (!cuda) {
          throw new ConfigException(
              "device",
              "is gpu, but this ONNX Runtime has no CUDA provider (it is the CPU build; the GPU"
                  + " images carry onnxruntime_gpu with CUDA 12 and cuDNN 9)");
        }
        yield Provider.CUDA;
      }
      case AUTO -> cuda ? Provider.CUDA : Provider.CPU;
    };
  }

  /**
   * Session options on the provider for {@code choice}, and which one it is. With {@code auto}, a
   * CUDA provider that fails to start (no driver, no device) falls back to the CPU; with {@code
   * gpu} that is an error naming ONNX Runtime's reason.
   */
  public static Options options(DeviceChoice choice) {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    Provider provider = choose(choice, OrtEnvironment.getAvailableProviders());
    if (provider == Provider.CUDA) {
      try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(0)) {
        // TF32 matmuls would differ from PyTorch's fp32 (which plora trains in) by ~1e-3; the
        // export's parity check allows 1e-4.
        cuda.add("use_tf32", "0");
        options.addCUDA(cuda);
      } catch (OrtException e) {
        if (choice == DeviceChoice.GPU) {
          options.close();
          throw new ConfigException(
              "device",
              "is gpu, but ONNX Runtime's CUDA provider did not start: " + e.getMessage());
        }
        provider = Provider.CPU;
        sayCpuFallback("its CUDA provider did not start: " + e.getMessage());
      }
    } else if (choice == DeviceChoice.AUTO) {
      sayCpuFallback("this ONNX Runtime build has no CUDA provider");
    }
    return new Options(options, provider);
  }

  /** Session options and the provider they select. */
  public record Options(OrtSession.SessionOptions session, Provider provider)
      implements AutoCloseable {
    @Override
    public void close() {
      session.close();
    }
  }

  /** Whether the CPU fallback has been logged in this process (it is logged once). */
  static boolean cpuFallbackSaid() {
    return CPU_FALLBACK_SAID.get();
  }

  private static void sayCpuFallback(String why) {
    if (CPU_FALLBACK_SAID.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.INFO, "ONNX Runtime runs on the CPU: " + why);
    }
  }
}
