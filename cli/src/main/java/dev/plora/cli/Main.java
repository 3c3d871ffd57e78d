package dev.plora.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code plora} command. */
@Command(
    name = "plora",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Sparse low-rank adapters (Partial-LoRA) for ONNX transformers.",
    subcommands = {
      InspectCommand.class,
      InferCommand.class,
      DiscoverCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      SweepCommand.class,
      SweepReportCommand.class,
      ExportCommand.class,
      PredictCommand.class,
      DatasetsCommand.class,
      RunCommand.class,
      InitCommand.class,
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      SubmitCommand.class,
      WatchCommand.class,
      CancelCommand.class,
      DeleteCommand.class,
      DownloadCommand.class,
      TokenCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
  public static int run(String... args) {
    ConfigDefaults.publish();
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new ErrorReporter());
    return cli.execute(args);
  }
}
