package dev.plora.engine.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** Loads one of the engine's own native helpers (src/main/native) from the engine jar. */
final class JarNativeLibrary {
  private JarNativeLibrary() {}

  /** Whether the helpers, built for Linux x86-64, can load in this JVM. */
  static boolean supported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /**
   * Loads {@code native/libplora_NAME.so} beside this class.
   *
   * @return false if the jar has no such library
   * @throws IOException if it cannot be copied out for loading
   * @throws UnsatisfiedLinkError if the JVM cannot load it
   */
  static boolean load(String name) throws IOException {
    String resource = "native/libplora_" + name + ".so";
    try (InputStream in = JarNativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        return false;
      }
      // The loaded library stays mapped; the file is only needed for dlopen to find it.
      Path file = Files.createTempFile("plora-" + name + "-", ".so");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toAbsolutePath().toString());
      } finally {
        Files.deleteIfExists(file);
      }
      return true;
    }
  }
}
