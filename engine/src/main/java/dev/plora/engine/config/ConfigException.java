package dev.plora.engine.config;

/**
 * A configuration value that is not allowed, naming the field by its path in the configuration
 * model ({@code training.maxLength}) and what is wrong with it ({@code must be >= 2, got 1}). Front
 * ends that speak another vocabulary translate the field: the CLI to its flag ({@code --max-len}),
 * the mesh to the JobSpec field ({@code training.max_length}).
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  public ConfigException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
    this.problem = problem;
  }

  /** The field's path in the configuration model, e.g. {@code training.maxLength}. */
  public String field() {
    return field;
  }

  /** What is wrong, without the field: {@code must be >= 2, got 1}. */
  public String problem() {
    return problem;
  }

  /** The same error with the field called {@code name} (a flag, a JobSpec field). */
  public String reworded(String name) {
    return name + " " + problem;
  }
}
