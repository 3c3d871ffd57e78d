package dev.plora.cli;

import dev.plora.engine.lora.LoraConfig;
import dev.plora.engine.train.RunConfig;
import dev.plora.engine.train.RunMetrics;
import dev.plora.engine.train.TrainRun;
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
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train sparse (masked) LoRA adapters and a classification head; writes adapter.safetensors,"
        + " config.json, metrics.json and checkpoints to --out.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;
  @Option(names = "--train", required = true, description = "training data (.jsonl or .csv)")
  Path train;
  @Option(names = "--eval", description = "evaluation data; without it, metrics are on the training data")
  Path eval;
  @Mixin FieldOptions fieldOptions;
  @Option(names = "--rank", description = "LoRA rank r (default: the plan's with --masks PLAN_DIR, else 8)")
  Integer rank;
  @Option(names = "--alpha", defaultValue = "16", description = "LoRA alpha; updates scale by alpha/r (default: ${DEFAULT-VALUE})")
  double alpha;
  @Option(names = "--dropout", defaultValue = "0", description = "adapter input dropout (default: ${DEFAULT-VALUE})")
  double dropout;
  @Option(names = "--targets", split = ",", description = "module patterns: exact, suffix, or re:REGEX (default: query,key,value,dense)")
  List<String> targets;

  static final class MaskChoice {
    @Option(names = "--masks", description = "a plan directory from plora discover, or a masks safetensors file"
        + " (<module>.lora_A_mask / .lora_B_mask)")
    Path masks;
    @Option(names = "--density", description = "uniform random masks at this density in (0, 1]; 1 = dense LoRA")
    Double density;
  }

  @ArgGroup(exclusive = true)
  MaskChoice maskChoice;

  @Option(names = "--mask-seed", description = "seed of uniform masks (default: --seed)")
  Long maskSeed;
  @Option(names = "--pooling", defaultValue = "mean", description = "mean or first (default: ${DEFAULT-VALUE})")
  String pooling;
  @Option(names = "--epochs", defaultValue = "3", description = "default: ${DEFAULT-VALUE}")
  int epochs;
  @Option(names = "--batch", defaultValue = "16", description = "default: ${DEFAULT-VALUE}")
  int batch;
  @Option(names = "--lr", defaultValue = "5e-4", description = "peak learning rate (default: ${DEFAULT-VALUE})")
  double lr;
  @Option(names = "--weight-decay", defaultValue = "0.01", description = "default: ${DEFAULT-VALUE}")
  double weightDecay;
  @Option(names = "--warmup", defaultValue = "0.06", description = "warmup fraction of steps (default: ${DEFAULT-VALUE})")
  double warmup;
  @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "0 disables clipping (default: ${DEFAULT-VALUE})")
  double maxGradNorm;
  @Option(names = "--sparse-lr-scaling", defaultValue = "inverse-density", description = "inverse-density or none (default: ${DEFAULT-VALUE})")
  String sparseLrScaling;
  @Option(names = "--max-len", defaultValue = "128", description = "default: ${DEFAULT-VALUE}")
  int maxLen;
  @Option(names = "--seed", defaultValue = "42", description = "default: ${DEFAULT-VALUE}")
  long seed;
  @Option(names = "--checkpoint-every", defaultValue = "0", description = "steps between checkpoints; 0 = at the end only (default: ${DEFAULT-VALUE})")
  int checkpointEvery;
  @Option(names = "--resume", description = "continue the unfinished run in --out from its last checkpoint")
  boolean resume;
  @Option(names = "--overwrite", description = "replace a previous run in --out instead of refusing")
  boolean overwrite;
  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE})")
  String device;
  @Option(names = "--out", required = true, description = "run directory, e.g. runs/NAME")
  Path out;

  @Override
  public Integer call() {
    Path masks = maskChoice == null ? null : maskChoice.masks;
    int effectiveRank = rank == null ? 8 : rank;
    if (masks != null && java.nio.file.Files.isDirectory(masks)) {
      int planRank = dev.plora.engine.mask.MaskPlan.rankOf(masks);
      if (rank != null && rank != planRank) {
        throw new IllegalArgumentException("--rank " + rank + " differs from the plan's rank " + planRank + " (" + masks + ")");
      }
      effectiveRank = planRank;
      masks = masks.resolve(dev.plora.engine.mask.MaskPlan.MASKS);
    }
    double density = maskChoice == null || maskChoice.density == null ? 1.0 : maskChoice.density;
    RunConfig config = new RunConfig(RunConfig.FORMAT, RunConfig.VERSION, modelOptions.model,
        modelOptions.tokenizer == null ? null : modelOptions.tokenizer.toString(), train.toString(), eval == null ? null : eval.toString(),
        fieldOptions.textField, fieldOptions.textPairField, fieldOptions.labelField, null, effectiveRank, alpha, dropout,
        targets == null ? LoraConfig.DEFAULT_TARGETS : targets, null, density,
        masks == null ? null : masks.toString(), maskSeed == null ? seed : maskSeed, pooling, maxLen, epochs, batch,
        lr, weightDecay, warmup, maxGradNorm, seed, checkpointEvery, sparseLrScaling, device);

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
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
      TrainRun.Result r = TrainRun.execute(config, out, resume, overwrite, new ProgressBar(System.err, System.console() != null), stop::get);
      if (r.metrics() == null) {
        w.printf("stopped at step %d of %d; checkpoint saved. Continue with: plora train ... --resume --out %s%n",
            r.training().steps(), r.training().totalSteps(), out);
        w.flush();
        return 130;
      }
      RunMetrics m = r.metrics();
      w.printf("accuracy %.4f  macro-F1 %.4f  MCC %.4f  (%s data, %d examples)%n", m.accuracy(), m.macroF1(), m.mcc(),
          m.evaluatedOn(), m.evalExamples());
      w.printf("trainable %,d = adapter %,d (%.1f%% fewer than dense LoRA's %,d) + head %,d%n", m.trainableParams(),
          m.adapterParams(), 100 * m.reductionVsDense(), m.denseLoraParams(), m.headParams());
      w.printf("%d steps in %.1f s (%.1f examples/s) on %s; wrote %s%n", m.steps(), m.wallSeconds(), m.examplesPerSecond(),
          m.device(), out);
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
