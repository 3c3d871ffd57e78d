package dev.plora.stack;

/**
 * Loopback ports of an embedded stack: the broker, its controller, the gateway's gRPC port, and the
 * first HTTP port (health and metrics; the gateway takes it, each worker the next). The broker's
 * internal mTLS listener (its own connections and provisioning) takes the port after the
 * controller's.
 */
public record StackPorts(int kafka, int controller, int grpc, int httpBase) {
  public static final StackPorts DEFAULT = new StackPorts(19092, 19093, 19000, 18080);

  public int internal() {
    return controller + 1;
  }

  public String bootstrap() {
    return "127.0.0.1:" + kafka;
  }
}
