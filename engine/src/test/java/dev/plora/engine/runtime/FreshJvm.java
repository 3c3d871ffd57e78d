package dev.plora.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe's main class in a JVM of its own, on this test's class path, for what a process can
 * do only once (MKL binds its vendor check at the first GEMM; malloc settings apply process-wide).
 * Without glibc malloc settings in its environment, so the probe measures what it sets itself.
 */
final class FreshJvm {
  private FreshJvm() {}

  /**
   * @param main the probe class
   * @param properties {@code -D} settings, {@code name=value}
   * @return the probe's standard output, by line
   */
  static List<String> run(Class<?> main, String... properties)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    for (String p : properties) {
      command.add("-D" + p);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.equals("GLIBC_TUNABLES") || k.startsWith("MALLOC_"));
    Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("probe exit status").isZero();
    return List.of(stdout.split("\n"));
  }
}
