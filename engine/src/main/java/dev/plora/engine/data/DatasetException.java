package dev.plora.engine.data;

/**
 * A dataset that cannot be used as given: unreadable, malformed, empty, or with an unknown label;
 * says where.
 */
public final class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
