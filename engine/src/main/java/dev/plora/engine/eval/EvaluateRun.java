package dev.plora.engine.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.data.Dataset;
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
import dev.plora.engine.train.RunConfig;
import dev.plora.engine.train.TrainRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The engine's evaluate-a-run entry point: rebuilds a trained run from its directory and scores a dataset. */
public final class EvaluateRun {
  private EvaluateRun() {}

  public static Metrics execute(Path runDir, Path data, int batchSize) {
    RunConfig c = TrainRun.readConfig(runDir);
    Path adapterFile = runDir.resolve(TrainRun.ADAPTER);
    if (!Files.isRegularFile(adapterFile)) {
      throw new IllegalArgumentException(runDir + ": the run has no " + TrainRun.ADAPTER + " (unfinished? resume it with plora train --resume)");
    }
    Dataset dataset = Dataset.read(data, new TextFields(c.textField(), c.textPairField(), c.labelField()));
    LabelSet labels = new LabelSet(c.labels());
    ModelFiles files = ModelFiles.resolve(c.model(), Path.of(c.tokenizer()));
    OnnxModel onnx = OnnxModel.load(files.onnx());
    LoraConfig lora = new LoraConfig(c.rank(), c.alpha(), c.dropout(), c.targetPatterns());
    List<TargetSite> sites = TargetSites.find(onnx).stream().filter(s -> c.targets().contains(s.module())).toList();
    if (sites.size() != c.targets().size()) {
      throw new IllegalArgumentException(runDir + ": the model " + files.onnx() + " lacks some of the run's targets " + c.targets());
    }
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(files.requireTokenizer(), c.maxLength())) {
      AdapterMasks masks = AdapterMasks.load(adapterFile, sites, c.rank(), manager);
      try (AdaptedModel model = new AdaptedModel(onnx, lora, sites, masks, labels.size(), Pooling.parse(c.pooling()),
          SparseLrScaling.parse(c.sparseLrScaling()), c.seed(), manager);
          InputStream in = Files.newInputStream(adapterFile)) {
        model.loadAdapterTensors(NDList.decode(manager, in), adapterFile.toString());
        return Evaluator.evaluate(model, tokenizer, dataset, labels, batchSize);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(adapterFile + ": unreadable adapter: " + e.getMessage(), e);
    }
  }
}
