package dev.plora.jobs;

/**
 * A {@code JobSpec} field that cannot be used, named by its proto path (e.g. {@code lora.rank}).
 */
public final class InvalidSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  public InvalidSpecException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  public String field() {
    return field;
  }

  /** What is wrong, without the field. */
  public String problem() {
    return problem;
  }
}
