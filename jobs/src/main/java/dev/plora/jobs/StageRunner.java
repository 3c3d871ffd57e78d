package dev.plora.jobs;

import dev.plora.engine.base.Json;
import dev.plora.engine.config.EvalConfig;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.data.DatasetException;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.export.ExportException;
import dev.plora.engine.export.ExportFormat;
import dev.plora.engine.export.ExportRun;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.mask.PlanRef;
import dev.plora.engine.mask.Strategies;
import dev.plora.engine.onnx.OnnxFormatException;
import dev.plora.engine.run.DiscoverRun;
import dev.plora.engine.run.EvaluateRun;
import dev.plora.engine.run.RunControls;
import dev.plora.engine.run.RunMetrics;
import dev.plora.engine.run.TrainRun;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import dev.plora.engine.train.Progress;
import dev.plora.engine.train.TrainingAborted;
import dev.plora.engine.train.TrainingException;
import dev.plora.engine.train.TrainingStopped;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import dev.plora.proto.v1.TrialMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one {@link Task} through its engine entry point and answers with an {@link Outcome}: the one
 * place where a task becomes engine calls, shared by the workers (over Kafka) and {@code plora run}
 * (in one process). Every stage is idempotent: outputs are named by job and trial, a finished
 * output is reused, and an unfinished training run resumes from its last checkpoint.
 */
public final class StageRunner {
  private final ArtifactStore store;
  private final String worker;

  public StageRunner(ArtifactStore store, String worker) {
    this.store = store;
    this.worker = worker;
  }

  /**
   * Runs the task. Failures of the job's own making (bad data, a model the engine cannot run)
   * become a failed outcome with the engine's message; {@code progress} receives training progress.
   */
  public Outcome run(
      Task task, Consumer<dev.plora.proto.v1.Progress> progress, BooleanSupplier stop) {
    return run(task, progress, stop, () -> false);
  }

  /**
   * Runs the task. {@code cancelled} is checked before the stage starts and between training steps
   * (a cancelled job's queued tasks answer "cancelled" without running); {@code superseded} between
   * training steps (a newer attempt owns the stage: training stops at once and writes nothing).
   * Every throwable becomes a failed outcome with its message; {@link Outcome#getTransient()} says
   * whether retrying may help.
   */
  public Outcome run(
      Task task,
      Consumer<dev.plora.proto.v1.Progress> progress,
      BooleanSupplier cancelled,
      BooleanSupplier superseded) {
    Outcome.Builder o =
        Outcome.newBuilder()
            .setJobId(task.getJobId())
            .setTrial(task.getTrial())
            .setStage(task.getStage())
            .setAttempt(task.getAttempt())
            .setWorker(worker);
    if (cancelled.getAsBoolean()) {
      return o.setOk(false).setError(CANCELLED).build();
    }
    try {
      switch (task.getStage()) {
        case STAGE_DISCOVER -> o.setPlanUri(store.uriOf(discover(task, cancelled)));
        case STAGE_TRAIN -> {
          Path run = train(task, progress, cancelled, superseded);
          if (run == null) {
            return o.setOk(false).setError(CANCELLED).build();
          }
          o.setRunUri(store.uriOf(run));
        }
        case STAGE_EVALUATE -> o.setMetrics(evaluate(task));
        case STAGE_EXPORT -> o.addAllExports(export(task));
        default -> throw new IllegalArgumentException("task has no stage");
      }
      return o.setOk(true).build();
    } catch (TrainingStopped e) {
      return o.setOk(false).setError(CANCELLED).build();
    } catch (TrainingAborted e) {
      return o.setOk(false).setError(SUPERSEDED).build();
    } catch (
        Throwable e) { // an Error too: an out-of-memory task fails with its reason, not the worker
      if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
        throw (VirtualMachineError)
            e; // the JVM itself is broken; let the worker die and be replaced
      }
      return o.setOk(false).setError(message(e)).setTransient(isTransient(e)).build();
    }
  }

  /** The error a cancelled job's tasks answer with. */
  public static final String CANCELLED = "cancelled";

  /**
   * The error of a run withdrawn because a newer attempt owns its stage (the gateway ignores it).
   */
  public static final String SUPERSEDED = "superseded by a newer attempt";

  /**
   * Whether a failure may not recur: I/O errors, running out of memory, and anything unexpected are
   * transient (another attempt, perhaps on another worker, may succeed); what the engine reports
   * about the job's own inputs — an invalid value, unreadable data or model, a diverging loss, an
   * export that fails its parity check — is not, and retrying would only repeat it.
   */
  static boolean isTransient(Throwable e) {
    if (e instanceof OutOfMemoryError || e instanceof java.io.UncheckedIOException) {
      return true;
    }
    if (e instanceof Error) {
      return false;
    }
    return !(e instanceof IllegalArgumentException
        || e instanceof InvalidSpecException
        || e instanceof TrainingException
        || e instanceof GraphExecutionException
        || e instanceof DatasetException
        || e instanceof OnnxFormatException
        || e instanceof ExportException);
  }

  Path discover(Task task, BooleanSupplier cancelled) {
    Path dir = store.trialDir(task.getJobId(), task.getTrial()).resolve("plan");
    if (Files.isRegularFile(dir.resolve(MaskPlan.PLAN))) {
      return dir; // done by an earlier attempt
    }
    JobConfigs configs = new JobConfigs(task.getSpec(), store);
    String kind = task.getSpec().getStrategy().getKind();
    Path reference = null;
    if (Strategies.get(kind).needs().reference()) {
      // The controls are built against partial-lora's plan for the same seed.
      reference = store.trialDir(task.getJobId(), task.getTrial()).resolve("reference-plan");
      if (!Files.isRegularFile(reference.resolve(MaskPlan.PLAN))) {
        DiscoverRun.execute(
            configs.discover("partial-lora", task.getSeed(), null, null), reference, cancelled);
      }
    }
    Double density = kind.equals("uniform") ? task.getDensity() : null;
    DiscoverRun.execute(configs.discover(kind, task.getSeed(), density, reference), dir, cancelled);
    return dir;
  }

  Path train(
      Task task,
      Consumer<dev.plora.proto.v1.Progress> progress,
      BooleanSupplier cancelled,
      BooleanSupplier superseded) {
    PlanRef plan = PlanRef.of(store.resolve(task.getPlanUri(), "plan_uri"));
    Path run = store.trialDir(task.getJobId(), task.getTrial()).resolve("run");
    if (Files.isRegularFile(run.resolve(TrainRun.METRICS))) {
      return run; // finished by an earlier attempt: answer again, the gateway ignores the duplicate
    }
    RunConfig rc =
        new JobConfigs(task.getSpec(), store)
            .run(
                task.getSeed(),
                plan.masksFile(),
                plan.rank(null, task.getSpec().getLora().getRank()));
    boolean resume = Files.isDirectory(run.resolve(TrainRun.CHECKPOINTS));
    TrainRun.Result r =
        TrainRun.execute(
            rc,
            run,
            resume,
            false,
            new RunControls(p -> progress.accept(progress(task, p)), cancelled, superseded));
    return r.metrics() == null ? null : run;
  }

  TrialMetrics evaluate(Task task) {
    JobSpec s = task.getSpec();
    Path run = store.resolve(task.getRunUri(), "run_uri");
    Path eval = evalPath(s);
    Path data = eval != null ? eval : trainPath(s);
    Metrics m = EvaluateRun.execute(run, data, EvalConfig.DEFAULTS.batchSize());
    RunMetrics trained = readMetrics(run);
    return TrialMetrics.newBuilder()
        .setAccuracy(m.accuracy())
        .setMacroF1(m.macroF1())
        .setMcc(m.mcc())
        .setExamples(m.examples())
        .setTrainableParams(trained.trainableParams())
        .setAdapterParams(trained.adapterParams())
        .setDenseLoraParams(trained.denseLoraParams())
        .setReduction(trained.reductionVsDense())
        .setTrainSeconds(trained.wallSeconds())
        .build();
  }

  List<ExportArtifact> export(Task task) {
    JobSpec s = task.getSpec();
    Path run = store.resolve(task.getRunUri(), "run_uri");
    Path dir = store.jobDir(task.getJobId()).resolve("exports");
    Path check = evalPath(s);
    return s.getExportFormatsList().stream()
        .map(
            name -> {
              ExportFormat f = ExportFormat.parse(name);
              Path out =
                  f == ExportFormat.ONNX_MERGED ? dir.resolve("model.onnx") : dir.resolve(name);
              ExportRun.Result r = ExportRun.execute(run, f, out, check, true, false);
              ExportDigests.Digest digest = ExportDigests.of(store, out);
              return ExportArtifact.newBuilder()
                  .setFormat(name)
                  .setUri(store.uriOf(out))
                  .setBytes(r.bytes())
                  .setSha256(digest.sha256())
                  .addAllFiles(digest.files())
                  .setParityMaxDiff(Double.isNaN(r.parityMaxDiff()) ? 0 : r.parityMaxDiff())
                  .build();
            })
        .toList();
  }

  private static dev.plora.proto.v1.Progress progress(Task task, Progress p) {
    return dev.plora.proto.v1.Progress.newBuilder()
        .setJobId(task.getJobId())
        .setTrial(task.getTrial())
        .setStage(Stage.STAGE_TRAIN)
        .setAttempt(task.getAttempt())
        .setStep(p.step())
        .setTotalSteps(p.totalSteps())
        .setLoss(p.loss())
        .setExamplesPerSecond(p.examplesPerSecond())
        .setEtaSeconds(p.etaSeconds())
        .setTimeMs(System.currentTimeMillis())
        .build();
  }

  /**
   * The evaluation data, or null when the job has none (it is then evaluated on its training data).
   */
  private Path evalPath(JobSpec s) {
    return s.getDataset().getEvalUri().isEmpty()
        ? null
        : store.resolve(s.getDataset().getEvalUri(), "dataset.eval_uri");
  }

  private Path trainPath(JobSpec s) {
    return store.resolve(s.getDataset().getTrainUri(), "dataset.train_uri");
  }

  private static RunMetrics readMetrics(Path run) {
    try {
      return Json.MAPPER.readValue(run.resolve(TrainRun.METRICS).toFile(), RunMetrics.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + run.resolve(TrainRun.METRICS) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The engine's own message (it names the file, field or value); the exception type when there is
   * none.
   */
  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }
}
