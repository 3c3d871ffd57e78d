package dev.plora.engine.run;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.base.Json;
import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.eval.Evaluator;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.model.ModelLimits;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.train.Checkpoint;
import dev.plora.engine.train.Devices;
import dev.plora.engine.train.Progress;
import dev.plora.engine.train.Trainer;
import dev.plora.engine.train.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The engine's train-a-run entry point, shared by {@code plora train}, the services, the sweep and
 * the tests: builds the adapted model from a {@link RunConfig}, trains, evaluates, and writes the
 * run directory ({@code adapter.safetensors}, {@code config.json}, {@code metrics.json}, {@code
 * checkpoints/}).
 */
public final class TrainRun {
  public static final String ADAPTER = "adapter.safetensors";
  public static final String CONFIG = RunRecord.FILE;
  public static final String METRICS = "metrics.json";
  public static final String CHECKPOINTS = "checkpoints";

  /** What a run produced; {@code metrics} is null when it stopped early (resume it to finish). */
  public record Result(Path dir, TrainingResult training, RunMetrics metrics) {}

  private TrainRun() {}

  public static Result execute(
      RunConfig config,
      Path dir,
      boolean resume,
      Consumer<Progress> progress,
      BooleanSupplier stop) {
    return execute(config, dir, resume, false, progress, stop);
  }

  /**
   * Trains a run into {@code dir}. With {@code resume}, an unfinished run there continues from its
   * last checkpoint; with {@code overwrite}, a previous run there (finished or not) is deleted
   * first, once the inputs have been checked. Without either, a previous run is an error.
   */
  public static Result execute(
      RunConfig config,
      Path dir,
      boolean resume,
      boolean overwrite,
      Consumer<Progress> progress,
      BooleanSupplier stop) {
    return execute(config, dir, resume, overwrite, new RunControls(progress, stop, null));
  }

  /** As above, steered by {@code controls} (progress, stop, abort). */
  public static Result execute(
      RunConfig config, Path dir, boolean resume, boolean overwrite, RunControls controls) {
    if (overwrite && resume) {
      throw new IllegalArgumentException("overwriting a run and resuming it contradict each other");
    }
    if (!overwrite) {
      checkOutput(dir, resume);
    }
    DataConfig data = config.data();
    Dataset train = Dataset.read(data.singleTrain(), data.fields());
    Dataset eval = data.eval() == null ? null : Dataset.read(data.eval(), data.fields());
    LabelSet labels = LabelSet.of(train);
    if (eval != null) {
      labels.indices(eval); // an unknown evaluation label fails now, not after training
    }
    ModelFiles files = ModelFiles.resolve(config.model());
    OnnxModel onnx = OnnxModel.load(files.onnx());
    ModelLimits.checkMaxLength(onnx, config.training().maxLength());
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), config.lora().targets());
    TrainingConfig tc = config.training();
    RunRecord recorded =
        RunRecord.of(
            absolute(config, files),
            labels.labels(),
            sites.stream().map(TargetSite::module).toList());
    Device device = Devices.select(tc.device());
    if (overwrite) {
      deleteRun(dir);
    }
    try (NDManager manager = NDManager.newBaseManager(device);
        TextTokenizer tokenizer = TextTokenizer.load(files.requireTokenizer(), tc.maxLength())) {
      AdapterMasks masks =
          config.masks() instanceof MaskSource.File f
              ? AdapterMasks.load(f.path(), sites, config.lora().rank(), manager)
              : AdapterMasks.uniform(
                  sites,
                  config.lora().rank(),
                  ((MaskSource.Uniform) config.masks()).density(),
                  ((MaskSource.Uniform) config.masks()).seed());
      try (AdaptedModel model =
          new AdaptedModel(
              onnx,
              config.lora(),
              sites,
              masks,
              labels.size(),
              config.model().pooling(),
              tc.sparseLrScaling(),
              tc.seed(),
              manager)) {
        Files.createDirectories(dir);
        recorded.write(dir);
        TrainingResult tr =
            new Trainer(model, tokenizer, tc, dir.resolve(CHECKPOINTS), recorded.fingerprint())
                .onProgress(controls.progress())
                .stopWhen(controls.stop())
                .abortWhen(controls.abort())
                .train(train, labels, resume);
        if (!tr.completed()) {
          return new Result(dir, tr, null);
        }
        Metrics m =
            Evaluator.evaluate(
                model,
                tokenizer,
                eval != null ? eval : train,
                labels,
                config.evaluation().batchSize());
        long adapter = model.adapterParameters();
        RunMetrics metrics =
            new RunMetrics(
                m.accuracy(),
                m.macroF1(),
                m.mcc(),
                eval != null ? "eval" : "train",
                m.examples(),
                m.labels(),
                m.confusion(),
                adapter + model.headParameters(),
                adapter,
                model.denseLoraParameters(),
                model.headParameters(),
                1 - adapter / (double) model.denseLoraParameters(),
                train.size(),
                tc.epochs(),
                tr.steps(),
                tr.losses().isEmpty() ? Double.NaN : tr.losses().get(tr.losses().size() - 1),
                tr.wallSeconds(),
                tr.examplesPerSecond(),
                tr.optimizerStateBytes(),
                device.getDeviceType());
        saveAdapter(model, dir.resolve(ADAPTER));
        AtomicFiles.write(dir.resolve(METRICS), out -> Json.MAPPER.writeValue(out, metrics));
        return new Result(dir, tr, metrics);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A finished run is never overwritten; an unfinished one continues only when resuming. */
  private static void checkOutput(Path dir, boolean resume) {
    if (Files.exists(dir.resolve(ADAPTER))) {
      throw new IllegalArgumentException(
          dir + " already holds a finished run; train into another directory or overwrite it");
    }
    if (!resume && Checkpoint.exists(dir.resolve(CHECKPOINTS))) {
      throw new IllegalArgumentException(
          dir
              + " holds an unfinished run; resume it, overwrite it, or train into another directory");
    }
  }

  /** Removes what a run writes (and only that), so a directory holding other files is not wiped. */
  private static void deleteRun(Path dir) {
    try {
      for (String f : List.of(ADAPTER, CONFIG, METRICS)) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Path ckpt = dir.resolve(CHECKPOINTS);
      if (Files.isDirectory(ckpt)) {
        try (var files = Files.list(ckpt)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(ckpt);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot clear the previous run in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The configuration as recorded: the model "default" or absolute, every path absolute. The
   * default model's own tokenizer stays unnamed: it is unpacked under each process's plora home, so
   * a path from this process would name nothing in another container that evaluates or exports the
   * run.
   */
  private static RunConfig absolute(RunConfig c, ModelFiles files) {
    boolean defaultTokenizer = c.model().isDefault() && c.model().tokenizer() == null;
    ModelConfig model =
        c.model()
            .withSource(
                c.model().isDefault()
                    ? ModelConfig.DEFAULT_SOURCE
                    : files.onnx().toAbsolutePath().toString(),
                defaultTokenizer ? null : files.tokenizer().toAbsolutePath());
    DataConfig data =
        new DataConfig(
            c.data().train().stream().map(TrainRun::abs).toList(),
            c.data().eval() == null ? null : abs(c.data().eval()),
            c.data().fields());
    MaskSource masks =
        c.masks() instanceof MaskSource.File f ? new MaskSource.File(abs(f.path())) : c.masks();
    return new RunConfig(model, data, c.lora(), masks, c.training(), c.evaluation());
  }

  private static Path abs(Path p) {
    return p.toAbsolutePath().normalize();
  }

  static void saveAdapter(AdaptedModel model, Path file) throws IOException {
    try (NDManager m = model.manager().newSubManager()) {
      NDList tensors = model.adapterTensors(m);
      AtomicFiles.write(file, out -> tensors.encode(out, NDList.Encoding.SAFETENSORS));
    }
  }

  /** Reads a run's config.json (any supported version). */
  public static RunRecord readConfig(Path runDir) {
    return RunRecord.read(runDir);
  }
}
