package dev.plora.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.plora.engine.runtime.kernel.OpKernel;
import dev.plora.engine.runtime.kernel.OpRegistry;
import dev.plora.engine.runtime.ops.StandardOps;

/** The module and package rules of plora, as ArchUnit rules (docs/architecture.md draws them). */
final class ArchitectureRules {
  private ArchitectureRules() {}

  /** The engine is a plain library: no service framework, no transport. */
  static final ArchRule ENGINE_USES_NO_SERVICE_FRAMEWORK =
      noClasses()
          .that()
          .resideInAPackage("dev.plora.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.quarkus..",
              "org.apache.kafka..",
              "io.grpc..",
              "io.smallrye..",
              "io.vertx..",
              "jakarta..")
          .because(
              "the engine is a library every front end (CLI, services, tests) calls the same way");

  /** Arrows point down: the engine knows nothing of the modules built on it. */
  static final ArchRule ENGINE_KNOWS_NOTHING_ABOVE_IT =
      noClasses()
          .that()
          .resideInAPackage("dev.plora.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.plora.jobs..",
              "dev.plora.cli..",
              "dev.plora.services..",
              "dev.plora.experiments..",
              "dev.plora.stack..",
              "dev.plora.proto..");

  /**
   * Every engine package is its own slice: no two may depend on each other, directly or around a
   * loop.
   */
  static final ArchRule ENGINE_PACKAGES_HAVE_NO_CYCLES =
      slices().matching("dev.plora.engine.(**)").should().beFreeOfCycles();

  /**
   * Kafka (and Quarkus) live only in the services: the CLI, jobs, the stack client and experiments
   * are free of it.
   */
  static final ArchRule ONLY_SERVICES_USE_KAFKA =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.plora.cli..", "dev.plora.jobs..", "dev.plora.stack..", "dev.plora.experiments..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.kafka..", "io.quarkus..", "io.smallrye.reactive..");

  /** Services are thin: numeric work (DJL arrays) happens in the engine, never in a service. */
  static final ArchRule SERVICES_DO_NO_NUMERIC_WORK =
      noClasses()
          .that()
          .resideInAnyPackage("dev.plora.services..", "dev.plora.jobs..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("ai.djl..");

  /** The op table is built in one place. */
  static final ArchRule OPS_ARE_REGISTERED_IN_ONE_PLACE =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName(StandardOps.class.getName())
          .should()
          .callMethod(OpRegistry.class, "register", String.class, int.class, OpKernel.class)
          .because("StandardOps is the one table of executable ops");

  /** ...and every kernel is in it. */
  static final ArchRule EVERY_KERNEL_IS_REGISTERED =
      classes()
          .that()
          .resideInAPackage("dev.plora.engine.runtime.ops")
          .and()
          .implement(OpKernel.class)
          .and()
          .doNotHaveModifier(JavaModifier.ABSTRACT)
          .should(beConstructedIn(StandardOps.class));

  private static ArchCondition<JavaClass> beConstructedIn(Class<?> owner) {
    return new ArchCondition<>("be constructed in " + owner.getSimpleName()) {
      @Override
      public void check(JavaClass kernel, ConditionEvents events) {
        boolean registered =
            kernel.getConstructorCallsToSelf().stream()
                .anyMatch(call -> call.getOriginOwner().isEquivalentTo(owner));
        events.add(
            new SimpleConditionEvent(
                kernel,
                registered,
                kernel.getName()
                    + (registered ? " is" : " is not")
                    + " registered in "
                    + owner.getSimpleName()));
      }
    };
  }
}
