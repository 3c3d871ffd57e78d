package dev.plora.engine.export;

/** An export that cannot be written or failed its check; nothing is left at the output path. */
public final class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExportException(String message) {
    super(message);
  }
}
