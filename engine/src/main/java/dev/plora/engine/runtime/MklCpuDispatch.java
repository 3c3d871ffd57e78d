package dev.plora.engine.runtime;

import java.io.IOException;

/**
 * Makes PyTorch's MKL choose its kernels by the CPU's instruction sets, not by its vendor.
 *
 * <p>libtorch runs every fp32 matmul and linear through the oneMKL it links statically, and MKL
 * takes its generic AVX2 code path on CPUs not made by Intel, AVX-512 or not. On the AMD EPYC
 * machines this project runs on that halves the GEMM rate (bench/RESULTS.md, issue 15) — for
 * PyTorch users too: a transformers + PEFT process on stock torch pays the same. The native helper
 * in the engine jar (src/main/native/mkl_cpu_dispatch.c) answers MKL's vendor question with yes;
 * MKL still checks each instruction-set feature itself, so a CPU without AVX-512 keeps kernels it
 * can run, and on Intel CPUs nothing changes.
 *
 * <p>It has to be in place before the process's first MKL call: {@link GraphExecutor} installs it
 * when its class loads, ahead of any forward. {@code -Dplora.mkl.any-vendor=false} leaves MKL as it
 * is. Off Linux x86-64, or without the helper in the jar, it does nothing and says why once.
 */
public final class MklCpuDispatch {
  /** The system property that turns the helper off when {@code false}. */
  public static final String PROPERTY = "plora.mkl.any-vendor";

  private static final System.Logger LOG = System.getLogger(MklCpuDispatch.class.getName());
  private static final String LIBRARY = "mkl_cpu_dispatch";

  private static Boolean installed;

  private MklCpuDispatch() {}

  /**
   * Loads the helper once per process.
   *
   * @return whether it is loaded
   */
  public static synchronized boolean install() {
    if (installed == null) {
      installed = load();
    }
    return installed;
  }

  /** How often MKL asked the helper for the vendor: 0 if MKL never saw it (or it is not loaded). */
  public static synchronized long intelCpuQueries() {
    return Boolean.TRUE.equals(installed) ? queries() : 0;
  }

  private static boolean load() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return false;
    }
    if (!JarNativeLibrary.supported()) {
      LOG.log(System.Logger.Level.DEBUG, "MKL vendor helper: only for Linux x86-64");
      return false;
    }
    try {
      if (!JarNativeLibrary.load(LIBRARY)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "MKL vendor helper missing from the engine jar: on non-Intel CPUs PyTorch's fp32 GEMMs"
                + " run MKL's generic kernels");
        return false;
      }
      return true;
    } catch (IOException | UnsatisfiedLinkError e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "MKL vendor helper not loaded ("
              + e.getMessage()
              + "): PyTorch's fp32 GEMMs may run MKL's generic kernels on this CPU");
      return false;
    }
  }

  private static native long queries();
}
