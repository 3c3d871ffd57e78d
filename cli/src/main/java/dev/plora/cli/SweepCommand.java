package dev.plora.cli;

import dev.plora.engine.sweep.Sweep;
import dev.plora.engine.sweep.SweepConfig;
import dev.plora.engine.sweep.SweepReport;
import dev.plora.engine.sweep.SweepRow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora sweep}: every strategy × density × seed, then results.csv, report.md and lth-curve.png. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Discover, train and evaluate every strategy x density x seed; write results.csv, report.md (mean ± std"
        + " over seeds) and lth-curve.png to --out. Rerun the same command to continue an interrupted sweep.")
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;
  @Option(names = "--train", required = true, description = "training data")
  Path train;
  @Option(names = "--eval", required = true, description = "evaluation data")
  Path eval;
  @Option(names = "--strategies", split = ",", defaultValue = "dense,partial-lora,uniform,imp,shuffled,low-rank",
      description = "default: ${DEFAULT-VALUE}")
  List<String> strategies;
  @Option(names = "--densities", split = ",", defaultValue = "0.5,0.25,0.125",
      description = "uniform's densities; the word 'tau' adds one at each --taus plan's budget (default: ${DEFAULT-VALUE})")
  List<String> densities;
  @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "default: ${DEFAULT-VALUE}")
  List<Long> seeds;
  @Option(names = "--rank", defaultValue = "8")
  int rank;
  @Option(names = "--alpha", defaultValue = "16")
  double alpha;
  @Option(names = "--max-len", defaultValue = "128")
  int maxLen;
  @Option(names = "--epochs", defaultValue = "3")
  int epochs;
  @Option(names = "--batch", defaultValue = "16")
  int batch;
  @Option(names = "--lr", defaultValue = "5e-4")
  double lr;
  @Option(names = {"--taus", "--tau"}, split = ",", defaultValue = "0.9",
      description = "partial-lora energy thresholds; shuffled and low-rank control each one's budget (default: ${DEFAULT-VALUE})")
  List<Double> taus;
  @Option(names = "--few-shot", defaultValue = "16")
  int fewShot;
  @Option(names = "--rounds", defaultValue = "3", description = "imp rounds (default: ${DEFAULT-VALUE})")
  int rounds;
  @Option(names = "--prune", defaultValue = "0.2", description = "imp prune fraction per round (default: ${DEFAULT-VALUE})")
  double prune;
  @Option(names = "--sparse-lr-scaling", defaultValue = "inverse-density")
  String sparseLrScaling;
  @Option(names = "--out", required = true, description = "sweep directory")
  Path out;

  private static double density(String word) {
    try {
      return Double.parseDouble(word);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--densities takes numbers in (0, 1] or the word 'tau', got '" + word + "'");
    }
  }

  @Override
  public Integer call() {
    List<Double> numbers = densities.stream().filter(d -> !d.equals("tau")).map(SweepCommand::density).toList();
    SweepConfig c = new SweepConfig(modelOptions.model, modelOptions.tokenizer == null ? null : modelOptions.tokenizer.toString(),
        train.toString(), eval.toString(), strategies, numbers, densities.contains("tau"), seeds, rank, alpha, maxLen, epochs,
        batch, lr, taus, fewShot, rounds, prune, sparseLrScaling);
    List<SweepRow> rows = Sweep.execute(c, out, line -> {
      System.err.println("sweep: " + line);
      System.err.flush();
    });
    SweepReport.write(rows, out, "LoRA masks on " + train.getFileName());
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%-13s %-16s %6s %3s %16s%n", "strategy", "budget", "kept", "n", "accuracy");
    for (SweepReport.Group g : SweepReport.groups(rows)) {
      w.printf("%-13s %-16s %6.3f %3d %8.3f ± %.3f%n", g.strategy(), g.budget(), g.kept(), g.runs(), g.accuracy(),
          g.accuracyStd());
    }
    w.printf("wrote %s (results.csv, report.md, lth-curve.png)%n", out);
    w.flush();
    return 0;
  }
}
