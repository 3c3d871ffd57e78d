package dev.plora.stack;

/**
 * One process of the embedded stack: a service and its replica number (1-based). Replica 1 keeps
 * the service's plain name for its log and pid file; each replica has its own HTTP port (10 apart)
 * and worker name ({@code trainer-2}), which is its static consumer-group member id, as a
 * StatefulSet's pod names are on Kubernetes.
 */
public record StackInstance(StackService service, int replica) {
  public StackInstance {
    if (replica < 1) {
      throw new IllegalArgumentException("replicas are numbered from 1, got " + replica);
    }
  }

  public static StackInstance first(StackService s) {
    return new StackInstance(s, 1);
  }

  /**
   * {@code trainer} for replica 1, {@code trainer-2} for the second: names the log and pid files.
   */
  public String id() {
    return replica == 1 ? service.id() : service.id() + "-" + replica;
  }

  /** The worker name the replica consumes as ({@code trainer-1}). */
  public String workerName() {
    return service.id() + "-" + replica;
  }

  /** -1 for the broker, which has no HTTP endpoint. */
  public int httpPort(StackPorts ports) {
    int base = service.httpPort(ports);
    return base < 0 ? -1 : base + 10 * (replica - 1);
  }
}
