package dev.plora.rules;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.plora.engine.violation.a.UsesKafka;
import dev.plora.engine.violation.b.NeedsA;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules can fail: each meets a deliberate violation and reports it. */
class DeliberateViolationTest {
  private static final JavaClasses VIOLATIONS =
      new ClassFileImporter().importClasses(UsesKafka.class, NeedsA.class);

  @Test
  void engineCodeUsingKafkaFailsTheRule() {
    assertThatThrownBy(() -> ArchitectureRules.ENGINE_USES_NO_SERVICE_FRAMEWORK.check(VIOLATIONS))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("UsesKafka")
        .hasMessageContaining("org.apache.kafka");
  }

  @Test
  void aPackageCycleFailsTheRule() {
    assertThatThrownBy(() -> ArchitectureRules.ENGINE_PACKAGES_HAVE_NO_CYCLES.check(VIOLATIONS))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected");
  }

  @Test
  void aPackageWithoutPackageInfoFailsTheCheck(@TempDir Path repo) throws Exception {
    Path pkg = Files.createDirectories(repo.resolve("mod/src/main/java/dev/plora/x"));
    Files.writeString(pkg.resolve("A.java"), "package dev.plora.x;\nclass A {}\n");
    assertThatThrownBy(() -> PackageDocumentationTest.assertEveryPackageDocumented(repo))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("mod/src/main/java/dev/plora/x");
  }
}
