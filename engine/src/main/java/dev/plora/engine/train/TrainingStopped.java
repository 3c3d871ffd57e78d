package dev.plora.engine.train;

/**
 * A training inside a larger computation (IMP's rounds) stopped on request before it finished, so
 * the computation cannot produce its result; the caller asked for the stop (a cancelled job).
 */
public final class TrainingStopped extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingStopped(String message) {
    super(message);
  }
}
