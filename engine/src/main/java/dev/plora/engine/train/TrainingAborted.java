package dev.plora.engine.train;

/**
 * Training was withdrawn mid-run by its caller (another attempt of the same task owns the run
 * directory now); nothing was written after the last finished step.
 */
public final class TrainingAborted extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingAborted(String message) {
    super(message);
  }
}
