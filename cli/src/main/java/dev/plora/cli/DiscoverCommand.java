package dev.plora.cli;

import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.DiscoverConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.mask.TargetPlan;
import dev.plora.engine.run.DiscoverRun;
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
 * {@code plora discover}: find masks and write a plan directory for {@code plora train --masks}.
 */
@Command(
    name = "discover",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Discover LoRA masks and write a plan (plan.json + masks.safetensors) for plora train --masks PLAN_DIR."
            + " Strategies: dense, uniform (--density), partial-lora (--train, --tau, --few-shot, --d-min),"
            + " imp (--train, --rounds, --prune, --prune-scope, --rewind-step, training options),"
            + " shuffled and low-rank (--from PLAN_DIR).")
final class DiscoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--strategy",
      required = true,
      description = "dense, uniform, partial-lora, imp, shuffled or low-rank")
  String strategy;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--train",
      description = "training data; repeat for a multi-task plan (per-target maximum density)")
  List<Path> train;

  @Mixin FieldOptions fieldOptions;

  @Option(
      names = "--rank",
      defaultValue = "${plora.defaults.lora.rank}",
      description = "LoRA rank r (default: ${DEFAULT-VALUE})")
  int rank;

  @Option(names = "--alpha", description = "imp: LoRA alpha (default: 2 x rank)")
  Double alpha;

  @Option(
      names = "--targets",
      split = ",",
      defaultValue = "${plora.defaults.lora.targets}",
      description = "module patterns (default: ${DEFAULT-VALUE})")
  List<String> targets;

  @Option(
      names = "--tau",
      defaultValue = "${plora.defaults.strategy.tau}",
      description = "partial-lora energy threshold (default: ${DEFAULT-VALUE})")
  double tau;

  @Option(
      names = "--few-shot",
      defaultValue = "${plora.defaults.strategy.fewShot}",
      description = "partial-lora examples per label (default: ${DEFAULT-VALUE})")
  int fewShot;

  @Option(names = "--d-min", description = "partial-lora density floor (default: 1/rank)")
  Double dMin;

  @Option(names = "--density", description = "uniform's density in (0, 1]")
  Double density;

  @Option(names = "--from", description = "the plan that shuffled / low-rank control against")
  Path from;

  @Option(
      names = "--rounds",
      defaultValue = "${plora.defaults.strategy.rounds}",
      description = "imp: prune-and-retrain rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(
      names = "--prune",
      defaultValue = "${plora.defaults.strategy.prune}",
      description =
          "imp: fraction of surviving entries pruned per round (default: ${DEFAULT-VALUE})")
  double prune;

  @Option(
      names = "--prune-scope",
      defaultValue = "${plora.defaults.strategy.pruneScope}",
      description = "imp: per-matrix or global (default: ${DEFAULT-VALUE})")
  String pruneScope;

  @Option(
      names = "--rewind-step",
      defaultValue = "${plora.defaults.strategy.rewindStep}",
      description =
          "imp: rewind survivors to their values at this step (default: ${DEFAULT-VALUE}, initialisation)")
  int rewindStep;

  @Option(
      names = "--eval",
      description = "imp: per-round evaluation data (default: the training data)")
  Path eval;

  @Mixin TrainingOptions training;

  @Option(names = "--out", required = true, description = "plan directory")
  Path out;

  @Override
  public Integer call() {
    StrategyConfig s =
        StrategyConfig.builder(strategy)
            .tau(tau)
            .fewShot(fewShot)
            .dMin(dMin)
            .density(density)
            .reference(from)
            .rounds(rounds)
            .prune(prune)
            .globalPrune(StrategyConfig.parsePruneScope(pruneScope))
            .rewindStep(rewindStep)
            .build();
    DataConfig data =
        train == null || train.isEmpty()
            ? null
            : new DataConfig(train, eval, fieldOptions.fields());
    DiscoverConfig c =
        new DiscoverConfig(
            modelOptions.config(),
            data,
            LoraConfig.builder().rank(rank).alpha(alpha).targets(targets).build(),
            s,
            training.config());
    MaskPlan plan = DiscoverRun.execute(c, out);
    PrintWriter w = spec.commandLine().getOut();
    int width = plan.targets().stream().mapToInt(t -> t.module().length()).max().orElse(6);
    w.printf("%s plan, rank %d, seed %d%n", plan.strategy(), plan.rank(), plan.seed());
    w.printf(
        "  %-" + width + "s  %-12s  %9s  %8s  %14s%n",
        "module",
        "[in, out]",
        "k_t",
        "density",
        "kept (A + B)");
    for (TargetPlan t : plan.targets()) {
      w.printf(
          "  %-" + width + "s  %-12s  %9s  %8.4f  %,14d%n",
          t.module(),
          "[" + t.in() + ", " + t.out() + "]",
          t.k() == null ? "-" : t.k() + "/" + t.p(),
          t.density(),
          t.keptA() + t.keptB());
    }
    w.printf(
        "adapter parameters %,d of dense LoRA's %,d (%.1f%% fewer); wrote %s%n",
        plan.adapterParams(), plan.denseLoraParams(), 100 * plan.reduction(), out);
    w.flush();
    return 0;
  }
}
