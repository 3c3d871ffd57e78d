package dev.plora.cli;

import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.mask.PlanRef;
import dev.plora.engine.run.RunMetrics;
import dev.plora.engine.run.TrainRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plora train}: masked LoRA on a labelled dataset, writing a run directory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Train sparse (masked) LoRA adapters and a classification head; writes adapter.safetensors,"
            + " config.json, metrics.json and checkpoints to --out.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(names = "--train", required = true, description = "training data (.jsonl or .csv)")
  Path train;

  @Option(
      names = "--eval",
      description = "evaluation data; without it, metrics are on the training data")
  Path eval;

  @Mixin FieldOptions fieldOptions;

  @Option(
      names = "--rank",
      description =
          "LoRA rank r (default: the plan's with --masks PLAN_DIR, else ${plora.defaults.lora.rank})")
  Integer rank;

  @Option(
      names = "--alpha",
      description = "LoRA alpha; updates scale by alpha/r (default: 2 x rank)")
  Double alpha;

  @Option(
      names = "--dropout",
      defaultValue = "${plora.defaults.lora.dropout}",
      description = "adapter input dropout (default: ${DEFAULT-VALUE})")
  double dropout;

  @Option(
      names = "--targets",
      split = ",",
      defaultValue = "${plora.defaults.lora.targets}",
      description = "module patterns: exact, suffix, or re:REGEX (default: ${DEFAULT-VALUE})")
  List<String> targets;

  static final class MaskChoice {
    @Option(
        names = "--masks",
        description =
            "a plan directory from plora discover, or a masks safetensors file"
                + " (<module>.lora_A_mask / .lora_B_mask)")
    Path masks;

    @Option(
        names = "--density",
        description = "uniform random masks at this density in (0, 1]; 1 = dense LoRA")
    Double density;
  }

  @ArgGroup(exclusive = true)
  MaskChoice maskChoice;

  @Option(names = "--mask-seed", description = "seed of uniform masks (default: --seed)")
  Long maskSeed;

  @Option(
      names = "--pooling",
      defaultValue = "${plora.defaults.model.pooling}",
      description = "mean or first (default: ${DEFAULT-VALUE})")
  String pooling;

  @Mixin TrainingOptions training;

  @Option(
      names = "--resume",
      description = "continue the unfinished run in --out from its last checkpoint")
  boolean resume;

  @Option(
      names = "--overwrite",
      description = "replace a previous run in --out instead of refusing")
  boolean overwrite;

  @Option(names = "--out", required = true, description = "run directory, e.g. runs/NAME")
  Path out;

  @Override
  public Integer call() {
    PlanRef plan =
        maskChoice == null || maskChoice.masks == null ? null : PlanRef.of(maskChoice.masks);
    int r =
        plan != null
            ? plan.rank(rank, LoraConfig.DEFAULT_RANK)
            : rank != null ? rank : LoraConfig.DEFAULT_RANK;
    TrainingConfig tc = training.config();
    MaskSource masks =
        plan != null
            ? new MaskSource.File(plan.masksFile())
            : new MaskSource.Uniform(
                maskChoice == null || maskChoice.density == null ? 1.0 : maskChoice.density,
                maskSeed == null ? tc.seed() : maskSeed);
    RunConfig config =
        new RunConfig(
            modelOptions.config(Pooling.parse(pooling)),
            new DataConfig(List.of(train), eval, fieldOptions.fields()),
            LoraConfig.builder().rank(r).alpha(alpha).dropout(dropout).targets(targets).build(),
            masks,
            tc,
            null);

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true); // the trainer checkpoints at the next step boundary, then returns
              try {
                finished.await(120, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter w = spec.commandLine().getOut();
    try {
      TrainRun.Result result =
          TrainRun.execute(
              config,
              out,
              resume,
              overwrite,
              new ProgressBar(System.err, System.console() != null),
              stop::get);
      if (result.metrics() == null) {
        w.printf(
            "stopped at step %d of %d; checkpoint saved. Continue with: plora train ... --resume --out %s%n",
            result.training().steps(), result.training().totalSteps(), out);
        w.flush();
        return 130;
      }
      RunMetrics m = result.metrics();
      w.printf(
          "accuracy %.4f  macro-F1 %.4f  MCC %.4f  (%s data, %d examples)%n",
          m.accuracy(), m.macroF1(), m.mcc(), m.evaluatedOn(), m.evalExamples());
      w.printf(
          "trainable %,d = adapter %,d (%.1f%% fewer than dense LoRA's %,d) + head %,d%n",
          m.trainableParams(),
          m.adapterParams(),
          100 * m.reductionVsDense(),
          m.denseLoraParams(),
          m.headParams());
      w.printf(
          "%d steps in %.1f s (%.1f examples/s) on %s; wrote %s%n",
          m.steps(), m.wallSeconds(), m.examplesPerSecond(), m.device(), out);
      w.flush();
      return 0;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting; the hook is already running
      }
    }
  }
}
