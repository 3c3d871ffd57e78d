package dev.plora.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The environment DJL reads to load a libtorch other than the bundled CPU one (a CUDA build in the
 * GPU images), checked before DJL starts: DJL 0.36 given only a library path fails with "Resource
 * not found in classpath: jnilib/linux-x86_64/cpu-precxx11/libdjl_torch.so", and a CUDA flavor
 * without a library path makes it download libtorch, which offline mode forbids.
 */
public final class TorchEnvironment {
  static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
  static final String FLAVOR = "PYTORCH_FLAVOR";
  static final String VERSION = "PYTORCH_VERSION";
  private static final Pattern FLAVORS = Pattern.compile("cpu|cpu-precxx11|cu\\d{3}(-precxx11)?");
  private static final Pattern VERSIONS = Pattern.compile("\\d+\\.\\d+\\.\\d+");

  private TorchEnvironment() {}

  /** Throws, naming every problem, when this process's environment would not load libtorch. */
  public static void check() {
    List<String> problems = problems(System.getenv());
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "PyTorch cannot be loaded as configured: " + String.join("; ", problems));
    }
  }

  /** The pure check, for tests. */
  static List<String> problems(Map<String, String> env) {
    String path = env.getOrDefault(LIBRARY_PATH, "");
    String flavor = env.getOrDefault(FLAVOR, "");
    String version = env.getOrDefault(VERSION, "");
    List<String> out = new ArrayList<>();
    if (!path.isEmpty()) {
      if (flavor.isEmpty() || version.isEmpty()) {
        out.add(
            LIBRARY_PATH
                + " is set, so "
                + FLAVOR
                + " (e.g. cu128) and "
                + VERSION
                + " (e.g. 2.7.1) must be too; DJL cannot tell which JNI to load otherwise");
      }
    } else if (!flavor.isEmpty() && !flavor.startsWith("cpu")) {
      out.add(
          FLAVOR
              + "="
              + flavor
              + " without "
              + LIBRARY_PATH
              + ": DJL would download that libtorch, and plora runs offline; point "
              + LIBRARY_PATH
              + " at the image's libtorch/lib");
    }
    if (!flavor.isEmpty() && !FLAVORS.matcher(flavor).matches()) {
      out.add(FLAVOR + " must be cpu, cpu-precxx11 or cuNNN (e.g. cu128), got '" + flavor + "'");
    }
    if (!version.isEmpty() && !VERSIONS.matcher(version).matches()) {
      out.add(VERSION + " must be a libtorch version like 2.7.1, got '" + version + "'");
    }
    return out;
  }
}
