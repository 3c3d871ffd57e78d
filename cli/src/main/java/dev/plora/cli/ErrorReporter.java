package dev.plora.cli;

import dev.plora.engine.config.ConfigException;
import dev.plora.jobs.InvalidSpecException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one line ("plora: error: …") instead of a stack trace; set
 * {@code PLORA_DEBUG=1} to see the trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  /** The gateway's INVALID_ARGUMENT descriptions: {@code field: problem}. */
  private static final Pattern SPEC_FIELD =
      Pattern.compile("([a-z_]+(?:\\.[a-z_]+)*(?:\\[\\d+])?): (.*)", Pattern.DOTALL);

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof ConfigException c) {
      message = ConfigFlags.message(c);
    } else if (e instanceof InvalidSpecException s) {
      message = JobSpecOptions.describe(s.field(), s.problem());
    } else if (e instanceof StatusRuntimeException g) {
      String description =
          g.getStatus().getDescription() == null ? "" : g.getStatus().getDescription();
      Matcher field = SPEC_FIELD.matcher(description);
      if (g.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && field.matches()) {
        message =
            "the gateway refused the job: "
                + JobSpecOptions.describe(field.group(1), field.group(2));
      } else if (g.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        message += " (is the gateway running? start the embedded stack with: plora up)";
      }
    }
    cmd.getErr().println("plora: error: " + message);
    if (System.getenv("PLORA_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }
}
