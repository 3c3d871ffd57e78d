package dev.plora.engine.runtime.kernel;

/** A graph that cannot be run as given: a missing input, a bad shape, an invalid attribute. */
public class GraphExecutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GraphExecutionException(String message) {
    super(message);
  }

  public GraphExecutionException(String message, Throwable cause) {
    super(message, cause);
  }
}
