package dev.plora.services.common;

/** A {@code JobSpec} field that cannot be used, named by its proto path (e.g. {@code lora.rank}). */
public final class InvalidSpecException extends IllegalArgumentException {
  private final String field;

  public InvalidSpecException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
