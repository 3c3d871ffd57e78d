package dev.plora.engine.safetensors;

/**
 * A safetensors file that is not valid or asks for more than the limits allow; names the file and,
 * where it applies, the tensor and header field. An {@link IllegalArgumentException}, as every
 * other unusable input file is to the engine's callers (a job fails without retrying).
 */
public final class SafetensorsFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public SafetensorsFormatException(String message) {
    super(message);
  }

  public SafetensorsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
