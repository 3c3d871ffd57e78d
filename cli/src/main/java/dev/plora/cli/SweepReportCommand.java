package dev.plora.cli;

import dev.plora.experiments.sweep.SweepReport;
import dev.plora.experiments.sweep.SweepResults;
import dev.plora.experiments.sweep.SweepRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code plora sweep-report}: one report from the results.csv of several sweeps (seeds run at
 * different times or on different machines), without training anything.
 */
@Command(
    name = "sweep-report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Merge the results.csv of several sweeps and write results.csv, report.md and lth-curve.png to"
            + " --out. A run in more than one file (same strategy, budget and seed) is taken from the"
            + " last file that has it.")
final class SweepReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "results.csv files of sweeps")
  List<Path> results;

  @Option(names = "--out", required = true, description = "directory for the merged report")
  Path out;

  @Option(
      names = "--title",
      defaultValue = "LoRA masks",
      description = "title of report.md and the plot (default: ${DEFAULT-VALUE})")
  String title;

  @Override
  public Integer call() throws Exception {
    List<List<SweepRow>> lists = new ArrayList<>();
    for (Path csv : results) {
      if (!Files.isRegularFile(csv)) {
        throw new IllegalArgumentException("no such results file: " + csv);
      }
      lists.add(SweepResults.read(csv));
    }
    List<SweepRow> rows = SweepResults.merge(lists);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no runs in " + results);
    }
    Files.createDirectories(out);
    SweepReport.write(rows, out, title);
    SweepCommand.summary(spec.commandLine().getOut(), rows, out);
    return 0;
  }
}
