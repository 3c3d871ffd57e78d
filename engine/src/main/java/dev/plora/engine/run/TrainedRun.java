package dev.plora.engine.run;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.TextFields;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.safetensors.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished run opened from its directory: the config, the base ONNX model, the adapted model with
 * the trained adapter and head loaded, the tokenizer and the labels. Used by evaluation and export.
 */
public final class TrainedRun implements AutoCloseable {
  private final Path dir;
  private final RunRecord record;
  private final ModelFiles files;
  private final OnnxModel base;
  private final NDManager manager;
  private final TextTokenizer tokenizer;
  private final AdaptedModel model;

  private TrainedRun(
      Path dir,
      RunRecord record,
      ModelFiles files,
      OnnxModel base,
      NDManager manager,
      TextTokenizer tokenizer,
      AdaptedModel model) {
    this.dir = dir;
    this.record = record;
    this.files = files;
    this.base = base;
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.model = model;
  }

  public static TrainedRun open(Path runDir) {
    RunRecord record = RunRecord.read(runDir);
    RunConfig c = record.config();
    Path adapterFile = runDir.resolve(TrainRun.ADAPTER);
    if (!Files.isRegularFile(adapterFile)) {
      throw new IllegalArgumentException(
          runDir + ": the run has no " + TrainRun.ADAPTER + " (unfinished? resume its training)");
    }
    ModelFiles files = ModelFiles.resolve(c.model());
    OnnxModel onnx = OnnxModel.load(files.onnx());
    List<String> targets = record.targets();
    List<TargetSite> sites =
        TargetSites.find(onnx).stream().filter(s -> targets.contains(s.module())).toList();
    if (sites.size() != targets.size()) {
      throw new IllegalArgumentException(
          runDir + ": the model " + files.onnx() + " lacks some of the run's targets " + targets);
    }
    NDManager manager = NDManager.newBaseManager();
    TextTokenizer tokenizer = null;
    try {
      tokenizer = TextTokenizer.load(files.requireTokenizer(), c.training().maxLength());
      AdapterMasks masks = AdapterMasks.load(adapterFile, sites, c.lora().rank(), manager);
      AdaptedModel model =
          new AdaptedModel(
              onnx,
              c.lora(),
              sites,
              masks,
              record.labels().size(),
              c.model().pooling(),
              c.training().sparseLrScaling(),
              c.training().seed(),
              manager);
      model.loadAdapterTensors(Safetensors.read(adapterFile, manager), adapterFile.toString());
      return new TrainedRun(runDir, record, files, onnx, manager, tokenizer, model);
    } catch (RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      manager.close();
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  public RunConfig config() {
    return record.config();
  }

  /** The config.json: the configuration plus the labels and targets it derived. */
  public RunRecord record() {
    return record;
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
    return new LabelSet(record.labels());
  }

  public TextFields fields() {
    return record.config().data().fields();
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
    manager.close();
  }
}
