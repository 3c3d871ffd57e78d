package dev.plora.jobs;

/**
 * The caller is authenticated but may not do this (another subject's job or file, an admin-only
 * area). The gateway answers PERMISSION_DENIED with the message.
 */
public final class AccessDeniedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message);
  }
}
