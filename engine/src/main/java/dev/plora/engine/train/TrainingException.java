package dev.plora.engine.train;

/**
 * Training cannot go on: a non-finite loss, an incompatible checkpoint; says at which step or file.
 */
public final class TrainingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingException(String message) {
    super(message);
  }

  public TrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
