package dev.plora.engine.runtime;

import java.io.IOException;
import java.util.Map;

/**
 * Keeps a training step's memory in the process for the next step, instead of glibc malloc handing
 * it back to the kernel and faulting it in, zeroed, again.
 *
 * <p>PyTorch mallocs every activation and frees it as soon as its last handle closes. With glibc's
 * defaults the freed memory goes back to the kernel between steps — large blocks are unmapped, the
 * main heap is trimmed, and a thread arena's 64 MB heaps are unmapped as soon as they are empty
 * (the trim threshold does not govern those; only a top pad of a whole heap does). On MiniLM at
 * 16×64 that was up to 12,000 minor page faults per step and a fifth of its time (bench/RESULTS.md,
 * issue 15). This sets, process-wide through {@code mallopt}: an mmap threshold of 32 MiB (glibc's
 * maximum on 64-bit, so activations come from the heaps), a trim threshold of 2 GiB (mallopt's
 * largest) and a top pad of 64 MiB (a whole arena heap, so empty heaps stay). The cost: the process
 * keeps its peak memory.
 *
 * <p>{@link GraphExecutor} installs it when its class loads. {@code -Dplora.malloc.tune=false}
 * leaves malloc alone; a parameter the environment already sets (GLIBC_TUNABLES' {@code
 * glibc.malloc.*}, or {@code MALLOC_*_}) is left as the user set it. Off Linux x86-64, or without
 * glibc, it does nothing.
 */
public final class MallocTuning {
  /** The system property that turns the tuning off when {@code false}. */
  public static final String PROPERTY = "plora.malloc.tune";

  static final int MMAP_THRESHOLD = 32 << 20;
  static final int TRIM_THRESHOLD = Integer.MAX_VALUE;
  static final int TOP_PAD = 64 << 20;

  private static final System.Logger LOG = System.getLogger(MallocTuning.class.getName());
  private static Integer accepted;

  private MallocTuning() {}

  /**
   * Applies the settings once per process.
   *
   * @return one bit per setting mallopt took (1 mmap threshold, 2 trim threshold, 4 top pad); 0 if
   *     turned off or unavailable
   */
  public static synchronized int install() {
    if (accepted == null) {
      accepted = apply(System.getenv());
    }
    return accepted;
  }

  private static int apply(Map<String, String> env) {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        || !JarNativeLibrary.supported()) {
      return 0;
    }
    try {
      if (!JarNativeLibrary.load("malloc_tuning")) {
        LOG.log(System.Logger.Level.WARNING, "malloc tuning missing from the engine jar");
        return 0;
      }
      return setParameters(
          userSets(env, "mmap_threshold") ? -1 : MMAP_THRESHOLD,
          userSets(env, "trim_threshold") ? -1 : TRIM_THRESHOLD,
          userSets(env, "top_pad") ? -1 : TOP_PAD);
    } catch (IOException | UnsatisfiedLinkError e) {
      // musl or another libc without mallopt: its allocator, its defaults.
      LOG.log(System.Logger.Level.DEBUG, "malloc tuning not loaded: " + e.getMessage());
      return 0;
    }
  }

  /** Whether the environment sets glibc's {@code parameter} itself, by either of its spellings. */
  static boolean userSets(Map<String, String> env, String parameter) {
    String tunables = env.getOrDefault("GLIBC_TUNABLES", "");
    return tunables.contains("glibc.malloc." + parameter + "=")
        || env.containsKey("MALLOC_" + parameter.toUpperCase(java.util.Locale.ROOT) + "_");
  }

  private static native int setParameters(int mmapThreshold, int trimThreshold, int topPad);
}
