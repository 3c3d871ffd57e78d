package dev.plora.engine.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextFields;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.LoraConfig;
import dev.plora.engine.lora.Pooling;
import dev.plora.engine.lora.SparseLrScaling;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.onnx.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished run opened from its directory: the config, the base ONNX model, the adapted model with
 * the trained adapter and head loaded, the tokenizer and the labels. Used by evaluation and export.
 */
public final class TrainedRun implements AutoCloseable {
  private final Path dir;
  private final RunConfig config;
  private final ModelFiles files;
  private final OnnxModel base;
  private final NDManager manager;
  private final TextTokenizer tokenizer;
  private final AdaptedModel model;

  private TrainedRun(Path dir, RunConfig config, ModelFiles files, OnnxModel base, NDManager manager,
      TextTokenizer tokenizer, AdaptedModel model) {
    this.dir = dir;
    this.config = config;
    this.files = files;
    this.base = base;
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.model = model;
  }

  public static TrainedRun open(Path runDir) {
    RunConfig c = TrainRun.readConfig(runDir);
    Path adapterFile = runDir.resolve(TrainRun.ADAPTER);
    if (!Files.isRegularFile(adapterFile)) {
      throw new IllegalArgumentException(runDir + ": the run has no " + TrainRun.ADAPTER
          + " (unfinished? resume it with plora train --resume)");
    }
    ModelFiles files = ModelFiles.resolve(c.model(), Path.of(c.tokenizer()));
    OnnxModel onnx = OnnxModel.load(files.onnx());
    LoraConfig lora = new LoraConfig(c.rank(), c.alpha(), c.dropout(), c.targetPatterns());
    List<TargetSite> sites = TargetSites.find(onnx).stream().filter(s -> c.targets().contains(s.module())).toList();
    if (sites.size() != c.targets().size()) {
      throw new IllegalArgumentException(runDir + ": the model " + files.onnx() + " lacks some of the run's targets " + c.targets());
    }
    NDManager manager = NDManager.newBaseManager();
    TextTokenizer tokenizer = null;
    try {
      tokenizer = TextTokenizer.load(files.requireTokenizer(), c.maxLength());
      AdapterMasks masks = AdapterMasks.load(adapterFile, sites, c.rank(), manager);
      AdaptedModel model = new AdaptedModel(onnx, lora, sites, masks, c.labels().size(), Pooling.parse(c.pooling()),
          SparseLrScaling.parse(c.sparseLrScaling()), c.seed(), manager);
      try (InputStream in = Files.newInputStream(adapterFile)) {
        model.loadAdapterTensors(NDList.decode(manager, in), adapterFile.toString());
      }
      return new TrainedRun(runDir, c, files, onnx, manager, tokenizer, model);
    } catch (IOException | RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      manager.close();
      if (e instanceof IOException) {
        throw new IllegalArgumentException(adapterFile + ": unreadable adapter: " + e.getMessage(), e);
      }
      throw (RuntimeException) e;
    }
  }

  public Path dir() {
    return dir;
  }

  public RunConfig config() {
    return config;
  }

  public ModelFiles files() {
    return files;
  }

  /** The base model as loaded (not modified by exports, which work on copies). */
  public OnnxModel base() {
    return base;
  }

  public AdaptedModel model() {
    return model;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public LabelSet labels() {
    return new LabelSet(config.labels());
  }

  public TextFields fields() {
    return new TextFields(config.textField(), config.textPairField(), config.labelField());
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
    manager.close();
  }
}
