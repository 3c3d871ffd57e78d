package dev.plora.services.gateway;

/**
 * The gateway cannot answer now (its job state is not restored yet, or Kafka is unreachable):
 * retry.
 */
public final class GatewayUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GatewayUnavailableException(String message) {
    super(message);
  }
}
