package dev.plora.stack;

import java.nio.file.Path;
import java.util.List;

/** A process of the embedded stack, where its jar is built, and its HTTP port offset. */
public enum StackService {
  DEV_BROKER("dev-broker", -1),
  GATEWAY("gateway", 0),
  MASK_DISCOVERY("mask-discovery", 1),
  TRAINER("trainer", 2),
  EVALUATOR("evaluator", 3),
  EXPORTER("exporter", 4);

  /** Start order; {@code down} stops them in reverse. */
  public static final List<StackService> ORDER = List.of(values());

  private final String id;
  private final int httpOffset;

  StackService(String id, int httpOffset) {
    this.id = id;
    this.httpOffset = httpOffset;
  }

  public String id() {
    return id;
  }

  /** -1 for the broker, which has no HTTP endpoint. */
  public int httpPort(StackPorts ports) {
    return httpOffset < 0 ? -1 : ports.httpBase() + httpOffset;
  }

  public Path jar(Path repoRoot) {
    return this == DEV_BROKER
        ? repoRoot.resolve("services/dev-broker/target/plora-dev-broker.jar")
        : repoRoot.resolve("services/" + id + "/target/quarkus-app/quarkus-run.jar");
  }
}
