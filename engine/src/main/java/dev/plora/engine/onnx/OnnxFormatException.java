package dev.plora.engine.onnx;

/**
 * A model file or tensor that is not valid ONNX, or uses a feature plora does not read; names the
 * source.
 */
public final class OnnxFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
