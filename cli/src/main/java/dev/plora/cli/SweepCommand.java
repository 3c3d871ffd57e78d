package dev.plora.cli;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.mask.Strategies;
import dev.plora.experiments.sweep.Sweep;
import dev.plora.experiments.sweep.SweepConfig;
import dev.plora.experiments.sweep.SweepReport;
import dev.plora.experiments.sweep.SweepRow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plora sweep}: every strategy × density × seed, then results.csv, report.md and
 * lth-curve.png.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Discover, train and evaluate every strategy x density x seed; write results.csv, report.md (mean ± std"
            + " over seeds) and lth-curve.png to --out. Rerun the same command to continue an interrupted sweep.")
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(names = "--train", required = true, description = "training data")
  Path train;

  @Option(names = "--eval", required = true, description = "evaluation data")
  Path eval;

  @Option(
      names = "--strategies",
      split = ",",
      description = "default: all (dense, uniform, partial-lora, imp, shuffled, low-rank)")
  List<String> strategies;

  @Option(
      names = "--densities",
      split = ",",
      defaultValue = "0.5,0.25,0.125",
      description =
          "uniform's densities; the word 'tau' adds one at each --taus plan's budget (default: ${DEFAULT-VALUE})")
  List<String> densities;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "1,2,3",
      description = "default: ${DEFAULT-VALUE}")
  List<Long> seeds;

  @Option(
      names = "--rank",
      defaultValue = "${plora.defaults.lora.rank}",
      description = "default: ${DEFAULT-VALUE}")
  int rank;

  @Option(
      names = "--alpha",
      description = "default: 2 x rank, the same at every rank (also for low-rank controls)")
  Double alpha;

  @Option(
      names = "--max-len",
      defaultValue = "${plora.defaults.training.maxLength}",
      description = "default: ${DEFAULT-VALUE}")
  int maxLen;

  @Option(
      names = "--epochs",
      defaultValue = "${plora.defaults.training.epochs}",
      description = "default: ${DEFAULT-VALUE}")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "${plora.defaults.training.batchSize}",
      description = "default: ${DEFAULT-VALUE}")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "${plora.defaults.training.learningRate}",
      description = "default: ${DEFAULT-VALUE}")
  double lr;

  @Option(
      names = {"--taus", "--tau"},
      split = ",",
      defaultValue = "${plora.defaults.strategy.tau}",
      description =
          "partial-lora energy thresholds; shuffled and low-rank control each one's budget (default: ${DEFAULT-VALUE})")
  List<Double> taus;

  @Option(
      names = "--few-shot",
      defaultValue = "${plora.defaults.strategy.fewShot}",
      description = "default: ${DEFAULT-VALUE}")
  int fewShot;

  @Option(
      names = "--rounds",
      defaultValue = "${plora.defaults.strategy.rounds}",
      description = "imp rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(
      names = "--prune",
      defaultValue = "${plora.defaults.strategy.prune}",
      description = "imp prune fraction per round (default: ${DEFAULT-VALUE})")
  double prune;

  @Option(
      names = "--sparse-lr-scaling",
      defaultValue = "${plora.defaults.training.sparseLrScaling}",
      description = "default: ${DEFAULT-VALUE}")
  String sparseLrScaling;

  @Option(names = "--out", required = true, description = "sweep directory")
  Path out;

  private static double density(String word) {
    try {
      return Double.parseDouble(word);
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "sweep.densities", "takes numbers in (0, 1] or the word 'tau', got '" + word + "'");
    }
  }

  @Override
  public Integer call() {
    List<Double> numbers =
        densities.stream().filter(d -> !d.equals("tau")).map(SweepCommand::density).toList();
    RunConfig base =
        new RunConfig(
            modelOptions.config(),
            DataConfig.of(train, eval),
            LoraConfig.builder().rank(rank).alpha(alpha).build(),
            null,
            TrainingConfig.builder()
                .epochs(epochs)
                .batchSize(batch)
                .learningRate(lr)
                .maxLength(maxLen)
                .sparseLrScaling(SparseLrScaling.parse(sparseLrScaling))
                .build(),
            null);
    StrategyConfig strategy =
        StrategyConfig.builder("partial-lora").fewShot(fewShot).rounds(rounds).prune(prune).build();
    SweepConfig c =
        new SweepConfig(
            base,
            strategy,
            strategies == null ? Strategies.names() : strategies,
            numbers,
            densities.contains("tau"),
            seeds,
            taus);
    List<SweepRow> rows =
        Sweep.execute(
            c,
            out,
            line -> {
              System.err.println("sweep: " + line);
              System.err.flush();
            });
    SweepReport.write(rows, out, "LoRA masks on " + train.getFileName());
    summary(spec.commandLine().getOut(), rows, out);
    return 0;
  }

  /** One line per (strategy, budget) group, then where the files are. */
  static void summary(PrintWriter w, List<SweepRow> rows, Path out) {
    w.printf("%-13s %-16s %6s %3s %16s%n", "strategy", "budget", "kept", "n", "accuracy");
    for (SweepReport.Group g : SweepReport.groups(rows)) {
      w.printf(
          "%-13s %-16s %6.3f %3d %8.3f ± %.3f%n",
          g.strategy(), g.budget(), g.kept(), g.runs(), g.accuracy(), g.accuracyStd());
    }
    w.printf("wrote %s (results.csv, report.md, lth-curve.png)%n", out);
    w.flush();
  }
}
