package dev.plora.cli;

import dev.plora.engine.lora.LoraConfig;
import dev.plora.engine.mask.DiscoverRun;
import dev.plora.engine.mask.Imp;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.mask.TargetPlan;
import dev.plora.engine.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora discover}: find masks and write a plan directory for {@code plora train --masks}. */
@Command(name = "discover", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Discover LoRA masks and write a plan (plan.json + masks.safetensors) for plora train --masks PLAN_DIR."
        + " Strategies: dense, uniform (--density), partial-lora (--train, --tau, --few-shot, --d-min),"
        + " imp (--train, --rounds, --prune, --prune-scope, --rewind-step, training options),"
        + " shuffled and low-rank (--from PLAN_DIR).")
final class DiscoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--strategy", required = true, description = "dense, uniform, partial-lora, imp, shuffled or low-rank")
  String strategy;
  @Mixin ModelOptions modelOptions;
  @Option(names = "--train", description = "training data; repeat for a multi-task plan (per-target maximum density)")
  List<Path> train;
  @Mixin FieldOptions fieldOptions;
  @Option(names = "--rank", defaultValue = "8", description = "LoRA rank r (default: ${DEFAULT-VALUE})")
  int rank;
  @Option(names = "--targets", split = ",", description = "module patterns (default: query,key,value,dense)")
  List<String> targets;
  @Option(names = "--tau", defaultValue = "0.9", description = "partial-lora energy threshold (default: ${DEFAULT-VALUE})")
  double tau;
  @Option(names = "--few-shot", defaultValue = "16", description = "partial-lora examples per label (default: ${DEFAULT-VALUE})")
  int fewShot;
  @Option(names = "--d-min", description = "partial-lora density floor (default: 1/rank)")
  Double dMin;
  @Option(names = "--density", description = "uniform's density in (0, 1]")
  Double density;
  @Option(names = "--from", description = "the plan that shuffled / low-rank control against")
  Path from;
  @Option(names = "--rounds", defaultValue = "3", description = "imp: prune-and-retrain rounds (default: ${DEFAULT-VALUE})")
  int rounds;
  @Option(names = "--prune", defaultValue = "0.2", description = "imp: fraction of surviving entries pruned per round (default: ${DEFAULT-VALUE})")
  double prune;
  @Option(names = "--prune-scope", defaultValue = "per-matrix", description = "imp: per-matrix or global (default: ${DEFAULT-VALUE})")
  String pruneScope;
  @Option(names = "--rewind-step", defaultValue = "0", description = "imp: rewind survivors to their values at this step (default: ${DEFAULT-VALUE}, initialisation)")
  int rewindStep;
  @Option(names = "--eval", description = "imp: per-round evaluation data (default: the training data)")
  Path eval;
  @Option(names = "--alpha", defaultValue = "16", description = "imp: LoRA alpha (default: ${DEFAULT-VALUE})")
  double alpha;
  @Option(names = "--epochs", defaultValue = "3", description = "imp: epochs per round (default: ${DEFAULT-VALUE})")
  int epochs;
  @Option(names = "--batch", defaultValue = "16", description = "imp: default: ${DEFAULT-VALUE}")
  int batch;
  @Option(names = "--lr", defaultValue = "5e-4", description = "imp: default: ${DEFAULT-VALUE}")
  double lr;
  @Option(names = "--max-len", defaultValue = "128", description = "default: ${DEFAULT-VALUE}")
  int maxLen;
  @Option(names = "--seed", defaultValue = "42", description = "default: ${DEFAULT-VALUE}")
  long seed;
  @Option(names = "--out", required = true, description = "plan directory")
  Path out;

  private static boolean scope(String s) {
    switch (s) {
      case "per-matrix": return false;
      case "global": return true;
      default: throw new IllegalArgumentException("--prune-scope must be per-matrix or global, got '" + s + "'");
    }
  }

  @Override
  public Integer call() {
    DiscoverRun.Config c = new DiscoverRun.Config(strategy, modelOptions.model, modelOptions.tokenizer, train,
        fieldOptions.fields(), rank,
        targets == null ? LoraConfig.DEFAULT_TARGETS : targets, tau, fewShot, dMin, density, from, seed, maxLen, alpha,
        strategy.equals("imp") ? new Imp.Params(rounds, prune, scope(pruneScope), rewindStep) : null,
        strategy.equals("imp") ? TrainConfig.of(epochs, batch, lr, seed, 0) : null, eval);
    MaskPlan plan = DiscoverRun.execute(c, out);
    PrintWriter w = spec.commandLine().getOut();
    int width = plan.targets().stream().mapToInt(t -> t.module().length()).max().orElse(6);
    w.printf("%s plan, rank %d, seed %d%n", plan.strategy(), plan.rank(), plan.seed());
    w.printf("  %-" + width + "s  %-12s  %9s  %8s  %14s%n", "module", "[in, out]", "k_t", "density", "kept (A + B)");
    for (TargetPlan t : plan.targets()) {
      w.printf("  %-" + width + "s  %-12s  %9s  %8.4f  %,14d%n", t.module(), "[" + t.in() + ", " + t.out() + "]",
          t.k() == null ? "-" : t.k() + "/" + t.p(), t.density(), t.keptA() + t.keptB());
    }
    w.printf("adapter parameters %,d of dense LoRA's %,d (%.1f%% fewer); wrote %s%n", plan.adapterParams(),
        plan.denseLoraParams(), 100 * plan.reduction(), out);
    w.flush();
    return 0;
  }
}
