package dev.plora.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package of every module's main sources has a {@code package-info.java} saying what it is
 * for.
 */
class PackageDocumentationTest {
  @Test
  void everyPackageSaysWhatItIsFor() {
    assertEveryPackageDocumented(
        Path.of(System.getProperty("plora.root", "..")).toAbsolutePath().normalize());
  }

  static void assertEveryPackageDocumented(Path repo) {
    try (Stream<Path> files = Files.walk(repo)) {
      List<String> undocumented =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/java/"))
              .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
              .map(Path::getParent)
              .distinct()
              .filter(dir -> !Files.isRegularFile(dir.resolve("package-info.java")))
              .map(dir -> repo.relativize(dir).toString())
              .sorted()
              .toList();
      assertThat(undocumented).as("packages without package-info.java").isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
