package dev.plora.services.common;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.plora.engine.data.TextFields;
import dev.plora.engine.eval.EvaluateRun;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.export.ExportFormat;
import dev.plora.engine.export.ExportRun;
import dev.plora.engine.mask.DiscoverRun;
import dev.plora.engine.mask.Imp;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.train.Progress;
import dev.plora.engine.train.RunConfig;
import dev.plora.engine.train.RunMetrics;
import dev.plora.engine.train.TrainConfig;
import dev.plora.engine.train.TrainRun;
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
 * (in one process). Every stage is idempotent: outputs are named by job and trial, a finished output
 * is reused, and an unfinished training run resumes from its last checkpoint.
 */
public final class StageRunner {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final ArtifactStore store;
  private final String worker;

  public StageRunner(ArtifactStore store, String worker) {
    this.store = store;
    this.worker = worker;
  }

  /**
   * Runs the task. Failures of the job's own making (bad data, a model the engine cannot run) become
   * a failed outcome with the engine's message; {@code progress} receives training progress.
   */
  public Outcome run(Task task, Consumer<dev.plora.proto.v1.Progress> progress, BooleanSupplier stop) {
    Outcome.Builder o = Outcome.newBuilder().setJobId(task.getJobId()).setTrial(task.getTrial()).setStage(task.getStage())
        .setAttempt(task.getAttempt()).setWorker(worker);
    try {
      switch (task.getStage()) {
        case STAGE_DISCOVER -> o.setPlanUri(store.uriOf(discover(task)));
        case STAGE_TRAIN -> {
          Path run = train(task, progress, stop);
          if (run == null) {
            return o.setOk(false).setError("cancelled").build();
          }
          o.setRunUri(store.uriOf(run));
        }
        case STAGE_EVALUATE -> o.setMetrics(evaluate(task));
        case STAGE_EXPORT -> o.addAllExports(export(task));
        default -> throw new IllegalArgumentException("task has no stage");
      }
      return o.setOk(true).build();
    } catch (RuntimeException e) {
      return o.setOk(false).setError(message(e)).build();
    }
  }

  Path discover(Task task) {
    JobSpec s = task.getSpec();
    Path dir = store.trialDir(task.getJobId(), task.getTrial()).resolve("plan");
    if (Files.isRegularFile(dir.resolve(MaskPlan.PLAN))) {
      return dir; // done by an earlier attempt
    }
    String kind = s.getStrategy().getKind();
    Path from = null;
    if (kind.equals("shuffled") || kind.equals("low-rank")) {
      from = store.trialDir(task.getJobId(), task.getTrial()).resolve("reference-plan");
      if (!Files.isRegularFile(from.resolve(MaskPlan.PLAN))) {
        DiscoverRun.execute(discoverConfig(task, "partial-lora", null), from);
      }
    }
    DiscoverRun.execute(discoverConfig(task, kind, from), dir);
    return dir;
  }

  private DiscoverRun.Config discoverConfig(Task task, String kind, Path from) {
    JobSpec s = task.getSpec();
    boolean imp = kind.equals("imp");
    return new DiscoverRun.Config(kind, modelPath(s), tokenizerPath(s), List.of(trainPath(s)), fields(s),
        s.getLora().getRank(), s.getLora().getTargetsList(), s.getStrategy().getTau(), s.getStrategy().getFewShot(), null,
        kind.equals("uniform") ? task.getDensity() : null, from, task.getSeed(), s.getTraining().getMaxLength(),
        s.getLora().getAlpha(),
        imp ? new Imp.Params(s.getStrategy().getRounds(), s.getStrategy().getPruneFraction(), false, 0) : null,
        imp ? trainConfig(s, task.getSeed()) : null, imp ? evalPath(s) : null);
  }

  Path train(Task task, Consumer<dev.plora.proto.v1.Progress> progress, BooleanSupplier stop) {
    JobSpec s = task.getSpec();
    Path plan = store.resolve(task.getPlanUri(), "plan_uri");
    Path run = store.trialDir(task.getJobId(), task.getTrial()).resolve("run");
    if (Files.isRegularFile(run.resolve(TrainRun.METRICS))) {
      return run; // finished by an earlier attempt: answer again, the gateway ignores the duplicate
    }
    Path tokenizer = tokenizerPath(s);
    Path eval = evalPath(s);
    RunConfig rc = new RunConfig(RunConfig.FORMAT, RunConfig.VERSION, modelPath(s),
        tokenizer == null ? null : tokenizer.toString(), trainPath(s).toString(), eval == null ? null : eval.toString(),
        s.getDataset().getTextField(), s.getDataset().getTextPairField(), s.getDataset().getLabelField(), null,
        MaskPlan.rankOf(plan), s.getLora().getAlpha(), s.getLora().getDropout(), s.getLora().getTargetsList(), null, 1.0,
        plan.resolve(MaskPlan.MASKS).toString(), task.getSeed(), "mean", s.getTraining().getMaxLength(),
        s.getTraining().getEpochs(), s.getTraining().getBatchSize(), s.getTraining().getLearningRate(),
        TrainConfig.DEFAULT_WEIGHT_DECAY, TrainConfig.DEFAULT_WARMUP_RATIO, TrainConfig.DEFAULT_MAX_GRAD_NORM,
        task.getSeed(), s.getTraining().getCheckpointEvery(), s.getStrategy().getSparseLrScaling(), s.getTraining().getDevice());
    boolean resume = Files.isDirectory(run.resolve(TrainRun.CHECKPOINTS));
    TrainRun.Result r = TrainRun.execute(rc, run, resume, p -> progress.accept(progress(task, p)), stop);
    return r.metrics() == null ? null : run;
  }

  TrialMetrics evaluate(Task task) {
    JobSpec s = task.getSpec();
    Path run = store.resolve(task.getRunUri(), "run_uri");
    Path eval = evalPath(s);
    Path data = eval != null ? eval : trainPath(s);
    Metrics m = EvaluateRun.execute(run, data, Math.max(32, s.getTraining().getBatchSize()));
    RunMetrics trained = readMetrics(run);
    return TrialMetrics.newBuilder().setAccuracy(m.accuracy()).setMacroF1(m.macroF1()).setMcc(m.mcc())
        .setExamples(m.examples()).setTrainableParams(trained.trainableParams()).setAdapterParams(trained.adapterParams())
        .setDenseLoraParams(trained.denseLoraParams()).setReduction(trained.reductionVsDense())
        .setTrainSeconds(trained.wallSeconds()).build();
  }

  List<ExportArtifact> export(Task task) {
    JobSpec s = task.getSpec();
    Path run = store.resolve(task.getRunUri(), "run_uri");
    Path dir = store.jobDir(task.getJobId()).resolve("exports");
    Path check = evalPath(s);
    return s.getExportFormatsList().stream().map(name -> {
      ExportFormat f = ExportFormat.parse(name);
      Path out = f == ExportFormat.ONNX_MERGED ? dir.resolve("model.onnx") : dir.resolve(name);
      ExportRun.Result r = ExportRun.execute(run, f, out, check, true, false);
      return ExportArtifact.newBuilder().setFormat(name).setUri(store.uriOf(out)).setBytes(r.bytes())
          .setParityMaxDiff(Double.isNaN(r.parityMaxDiff()) ? 0 : r.parityMaxDiff()).build();
    }).toList();
  }

  private static dev.plora.proto.v1.Progress progress(Task task, Progress p) {
    return dev.plora.proto.v1.Progress.newBuilder().setJobId(task.getJobId()).setTrial(task.getTrial())
        .setStage(Stage.STAGE_TRAIN).setStep(p.step()).setTotalSteps(p.totalSteps()).setLoss(p.loss())
        .setExamplesPerSecond(p.examplesPerSecond()).setEtaSeconds(p.etaSeconds()).setTimeMs(System.currentTimeMillis()).build();
  }

  private static TrainConfig trainConfig(JobSpec s, long seed) {
    return TrainConfig.of(s.getTraining().getEpochs(), s.getTraining().getBatchSize(), s.getTraining().getLearningRate(), seed, 0);
  }

  private String modelPath(JobSpec s) {
    String uri = s.getModel().getModelUri();
    return uri.equals("default") ? "default" : store.resolve(uri, "model.model_uri").toString();
  }

  private Path tokenizerPath(JobSpec s) {
    return s.getModel().getTokenizerUri().isEmpty() ? null : store.resolve(s.getModel().getTokenizerUri(), "model.tokenizer_uri");
  }

  /** The evaluation data, or null when the job has none (it is then evaluated on its training data). */
  private Path evalPath(JobSpec s) {
    return s.getDataset().getEvalUri().isEmpty() ? null : store.resolve(s.getDataset().getEvalUri(), "dataset.eval_uri");
  }

  private Path trainPath(JobSpec s) {
    return store.resolve(s.getDataset().getTrainUri(), "dataset.train_uri");
  }

  private static TextFields fields(JobSpec s) {
    return new TextFields(s.getDataset().getTextField(), s.getDataset().getTextPairField(), s.getDataset().getLabelField());
  }

  private static RunMetrics readMetrics(Path run) {
    try {
      return JSON.readValue(run.resolve(TrainRun.METRICS).toFile(), RunMetrics.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + run.resolve(TrainRun.METRICS) + ": " + e.getMessage(), e);
    }
  }

  /** The engine's own message (it names the file, field or value); the exception type when there is none. */
  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }
}
