package dev.plora.services.gateway;

/** The operation needs an ended job, and this one still runs (gRPC FAILED_PRECONDITION). */
public final class JobRunningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobRunningException(String message) {
    super(message);
  }
}
