package dev.plora.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one line ("plora: error: …") instead of a stack trace; set
 * {@code PLORA_DEBUG=1} to see the trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof io.grpc.StatusRuntimeException g && g.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
      message += " (is the gateway running? start the embedded stack with: plora up)";
    }
    cmd.getErr().println("plora: error: " + message);
    if (System.getenv("PLORA_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }
}
