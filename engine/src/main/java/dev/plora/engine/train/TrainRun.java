package dev.plora.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextFields;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.eval.Evaluator;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.io.AtomicFiles;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.LoraConfig;
import dev.plora.engine.lora.Pooling;
import dev.plora.engine.lora.SparseLrScaling;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.onnx.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The engine's train-a-run entry point, shared by {@code plora train}, the services and the tests:
 * builds the adapted model from a {@link RunConfig}, trains, evaluates, and writes the run directory
 * ({@code adapter.safetensors}, {@code config.json}, {@code metrics.json}, {@code checkpoints/}).
 */
public final class TrainRun {
  public static final String ADAPTER = "adapter.safetensors";
  public static final String CONFIG = "config.json";
  public static final String METRICS = "metrics.json";
  public static final String CHECKPOINTS = "checkpoints";
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** What a run produced; {@code metrics} is null when it stopped early (resume it to finish). */
  public record Result(Path dir, TrainingResult training, RunMetrics metrics) {}

  private TrainRun() {}

  /**
   * Trains a run. {@code config.labels()} and {@code config.targets()} may be null: they are derived
   * (labels from the training data, targets from the patterns) and recorded.
   */
  public static Result execute(RunConfig config, Path dir, boolean resume, Consumer<Progress> progress,
      BooleanSupplier stop) {
    return execute(config, dir, resume, false, progress, stop);
  }

  /**
   * As {@link #execute(RunConfig, Path, boolean, Consumer, BooleanSupplier)}; with {@code overwrite}, a
   * previous run in {@code dir} (finished or not) is deleted first, once the inputs have been checked.
   */
  public static Result execute(RunConfig config, Path dir, boolean resume, boolean overwrite,
      Consumer<Progress> progress, BooleanSupplier stop) {
    if (overwrite && resume) {
      throw new IllegalArgumentException("--overwrite and --resume contradict each other");
    }
    if (!overwrite) {
      checkOutput(dir, resume);
    }
    TextFields fields = new TextFields(config.textField(), config.textPairField(), config.labelField());
    Dataset train = Dataset.read(Path.of(config.train()), fields);
    Dataset eval = config.eval() == null ? null : Dataset.read(Path.of(config.eval()), fields);
    LabelSet labels = LabelSet.of(train);
    if (eval != null) {
      labels.indices(eval); // an unknown evaluation label fails now, not after training
    }
    ModelFiles files = ModelFiles.resolve(config.model(), config.tokenizer() == null ? null : Path.of(config.tokenizer()));
    OnnxModel onnx = OnnxModel.load(files.onnx());
    LoraConfig lora = new LoraConfig(config.rank(), config.alpha(), config.dropout(), config.targetPatterns());
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), lora.targets());
    TrainConfig tc = new TrainConfig(config.epochs(), config.batchSize(), config.learningRate(), config.weightDecay(),
        config.warmupRatio(), config.maxGradNorm(), config.seed(), config.checkpointEvery());
    RunConfig recorded = withDerived(config, files, labels, sites);
    Device device = device(config.device());
    if (overwrite) {
      deleteRun(dir);
    }
    try (NDManager manager = NDManager.newBaseManager(device);
        TextTokenizer tokenizer = TextTokenizer.load(files.requireTokenizer(), config.maxLength())) {
      AdapterMasks masks = config.masksFile() != null
          ? AdapterMasks.load(Path.of(config.masksFile()), sites, lora.rank(), manager)
          : AdapterMasks.uniform(sites, lora.rank(), config.density(), config.maskSeed());
      try (AdaptedModel model = new AdaptedModel(onnx, lora, sites, masks, labels.size(),
          Pooling.parse(config.pooling()), SparseLrScaling.parse(config.sparseLrScaling()), config.seed(), manager)) {
        Files.createDirectories(dir);
        writeJson(dir.resolve(CONFIG), recorded);
        TrainingResult tr = new Trainer(model, tokenizer, tc, dir.resolve(CHECKPOINTS), fingerprint(recorded))
            .onProgress(progress).stopWhen(stop).train(train, labels, resume);
        if (!tr.completed()) {
          return new Result(dir, tr, null);
        }
        Metrics m = Evaluator.evaluate(model, tokenizer, eval != null ? eval : train, labels, Math.max(tc.batchSize(), 32));
        long adapter = model.adapterParameters();
        RunMetrics metrics = new RunMetrics(m.accuracy(), m.macroF1(), m.mcc(), eval != null ? "eval" : "train",
            m.examples(), m.labels(), m.confusion(), adapter + model.headParameters(), adapter,
            model.denseLoraParameters(), model.headParameters(), 1 - adapter / (double) model.denseLoraParameters(),
            train.size(), tc.epochs(), tr.steps(), tr.losses().isEmpty() ? Double.NaN : tr.losses().get(tr.losses().size() - 1),
            tr.wallSeconds(), tr.examplesPerSecond(), tr.optimizerStateBytes(), device.getDeviceType());
        saveAdapter(model, dir.resolve(ADAPTER));
        writeJson(dir.resolve(METRICS), metrics);
        return new Result(dir, tr, metrics);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A finished run is never overwritten; an unfinished one continues only with {@code resume}. */
  private static void checkOutput(Path dir, boolean resume) {
    if (Files.exists(dir.resolve(ADAPTER))) {
      throw new IllegalArgumentException(dir + " already holds a finished run; choose another --out");
    }
    if (!resume && Checkpoint.exists(dir.resolve(CHECKPOINTS))) {
      throw new IllegalArgumentException(dir + " holds an unfinished run; add --resume to continue it, or choose another --out");
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
      throw new UncheckedIOException("cannot clear the previous run in " + dir + ": " + e.getMessage(), e);
    }
  }

  static Device device(String name) {
    int gpus = Engine.getInstance().getGpuCount();
    switch (name == null ? "auto" : name) {
      case "cpu": return Device.cpu();
      case "gpu":
        if (gpus == 0) {
          throw new IllegalArgumentException("--device gpu: no GPU is visible to PyTorch (use cpu or auto)");
        }
        return Device.gpu();
      case "auto": return gpus > 0 ? Device.gpu() : Device.cpu();
      default: throw new IllegalArgumentException("--device must be cpu, gpu or auto, got '" + name + "'");
    }
  }

  private static RunConfig withDerived(RunConfig c, ModelFiles files, LabelSet labels, List<TargetSite> sites) {
    String model = c.model() == null || c.model().equals("default") ? "default" : files.onnx().toAbsolutePath().toString();
    return new RunConfig(RunConfig.FORMAT, RunConfig.VERSION, model, files.tokenizer().toAbsolutePath().toString(),
        abs(c.train()), c.eval() == null ? null : abs(c.eval()), c.textField(), c.textPairField(), c.labelField(),
        labels.labels(), c.rank(), c.alpha(), c.dropout(), c.targetPatterns(),
        sites.stream().map(TargetSite::module).toList(), c.density(), c.masksFile() == null ? null : abs(c.masksFile()),
        c.maskSeed(), c.pooling(), c.maxLength(), c.epochs(), c.batchSize(), c.learningRate(), c.weightDecay(),
        c.warmupRatio(), c.maxGradNorm(), c.seed(), c.checkpointEvery(), c.sparseLrScaling(), c.device());
  }

  private static String abs(String p) {
    return Path.of(p).toAbsolutePath().normalize().toString();
  }

  /** Identifies a configuration for checkpoints: a hash of everything that shapes the training. */
  static String fingerprint(RunConfig c) {
    try {
      byte[] bytes = JSON.writeValueAsString(c).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void saveAdapter(AdaptedModel model, Path file) throws IOException {
    try (NDManager m = model.manager().newSubManager()) {
      NDList tensors = model.adapterTensors(m);
      AtomicFiles.write(file, out -> tensors.encode(out, NDList.Encoding.SAFETENSORS));
    }
  }

  static void writeJson(Path file, Object value) throws IOException {
    AtomicFiles.write(file, out -> JSON.writeValue(out, value));
  }

  /** Reads a run's config.json, checking its format and version. */
  public static RunConfig readConfig(Path runDir) {
    Path file = runDir.resolve(CONFIG);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(runDir + ": not a plora run (no " + CONFIG + ")");
    }
    RunConfig c;
    try (InputStream in = Files.newInputStream(file)) {
      c = JSON.readValue(in, RunConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": malformed run config: " + e.getMessage(), e);
    }
    if (!RunConfig.FORMAT.equals(c.format()) || c.version() != RunConfig.VERSION) {
      throw new IllegalArgumentException(file + ": format " + c.format() + " version " + c.version()
          + " is not " + RunConfig.FORMAT + " version " + RunConfig.VERSION);
    }
    return c;
  }
}
