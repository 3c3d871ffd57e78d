package dev.plora.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of {@link ArchitectureRules} hold for the main classes of every module. */
class ArchitectureTest {
  private static JavaClasses plora;

  @BeforeAll
  static void importClasses() {
    plora =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.plora");
    // Guards against a vacuous pass: the rules must see every module's classes.
    for (String module : List.of("engine", "jobs", "cli", "stack", "experiments", "services")) {
      assertThat(
              plora.stream()
                  .filter(c -> c.getPackageName().startsWith("dev.plora." + module))
                  .count())
          .as("classes of dev.plora.%s imported", module)
          .isGreaterThan(module.equals("engine") ? 100 : 3);
    }
  }

  @Test
  void theEngineUsesNoServiceFramework() {
    ArchitectureRules.ENGINE_USES_NO_SERVICE_FRAMEWORK.check(plora);
  }

  @Test
  void theEngineKnowsNothingAboveIt() {
    ArchitectureRules.ENGINE_KNOWS_NOTHING_ABOVE_IT.check(plora);
  }

  @Test
  void enginePackagesHaveNoCycles() {
    ArchitectureRules.ENGINE_PACKAGES_HAVE_NO_CYCLES.check(plora);
  }

  @Test
  void onlyTheServicesUseKafka() {
    ArchitectureRules.ONLY_SERVICES_USE_KAFKA.check(plora);
  }

  @Test
  void servicesDoNoNumericWork() {
    ArchitectureRules.SERVICES_DO_NO_NUMERIC_WORK.check(plora);
  }

  @Test
  void opsAreRegisteredInOnePlaceAndEveryKernelIsThere() {
    ArchitectureRules.OPS_ARE_REGISTERED_IN_ONE_PLACE.check(plora);
    ArchitectureRules.EVERY_KERNEL_IS_REGISTERED.check(plora);
  }
}
