package dev.plora.engine.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.run.TrainRun;
import dev.plora.engine.run.TrainedRun;
import dev.plora.engine.testing.TinyTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportTest {
  @TempDir Path dir;

  /** Trains a tiny run (B non-zero after a few steps) and returns its directory. */
  private Path trainedRun(double density, String pooling, int opset) throws IOException {
    Path model = dir.resolve("model/model.onnx");
    if (!Files.exists(model)) {
      new dev.plora.engine.testing.TinyBert(30522, 16, 2, 2, 32, 64, opset, false, 3)
          .build()
          .save(model);
      Files.copy(DefaultModel.tokenizer(), dir.resolve("model/tokenizer.json"));
    }
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 24, 1);
    RunConfig c =
        new RunConfig(
            new ModelConfig(model.toString(), null, Pooling.parse(pooling)),
            DataConfig.of(data.source(), null),
            LoraConfig.builder().rank(4).alpha(8.0).build(),
            new MaskSource.Uniform(density, 1),
            TrainingConfig.builder()
                .epochs(2)
                .batchSize(8)
                .learningRate(1e-2)
                .weightDecay(0)
                .warmupRatio(0)
                .seed(5)
                .maxLength(16)
                .device(DeviceChoice.CPU)
                .build(),
            null);
    Path run = dir.resolve("run-" + density + "-" + pooling);
    TrainRun.execute(c, run, false, p -> {}, () -> false);
    return run;
  }

  @ParameterizedTest(name = "density {0}, {1} pooling, opset {2}")
  @CsvSource({"1.0, mean, 14", "0.25, mean, 11", "0.25, first, 14"})
  void mergedOnnxLogitsInOnnxRuntimeEqualTheEngines(double density, String pooling, int opset)
      throws Exception {
    Path run = trainedRun(density, pooling, opset);
    Path out = dir.resolve("merged.onnx");
    ExportRun.Result r = ExportRun.execute(run, ExportFormat.ONNX_MERGED, out, null, false, false);
    assertThat(r.parityMaxDiff()).isLessThanOrEqualTo(1e-4);

    OnnxModel merged = OnnxModel.load(out);
    try (TrainedRun t = TrainedRun.open(run)) {
      int headNodes = pooling.equals("mean") ? 9 : 3;
      assertThat(merged.graph().getNodeCount())
          .isEqualTo(t.base().graph().getNodeCount() + headNodes);
      assertThat(merged.graph().getInputList()).isEqualTo(t.base().graph().getInputList());
      assertThat(merged.graph().getOutputList())
          .extracting(v -> v.getName())
          .containsExactly("last_hidden_state", "logits", "probabilities");
      // An independent oracle on other texts: ONNX Runtime on the merged file vs the engine's
      // adapted model.
      List<String> texts =
          List.of("the staff was lovely", "awful awful room", "view and coffee were quite good");
      try (NDManager m = NDManager.newBaseManager();
          OrtRunner ort = new OrtRunner(Files.readAllBytes(out))) {
        var batch = t.tokenizer().encode(texts);
        NDArray engine = t.model().logits(m, batch);
        var feeds = new java.util.LinkedHashMap<String, NDArray>();
        batch.toArrays(m).forEach((k, v) -> feeds.put(k, v));
        NDArray onnx = ort.run(m, feeds).get("logits");
        assertThat((double) engine.sub(onnx).abs().max().getFloat()).isLessThanOrEqualTo(1e-4);
        assertThat((double) engine.sub(engine.mean()).abs().max().getFloat())
            .isGreaterThan(1e-3); // a real, non-constant head
      }
    }
  }

  @Test
  void predictorReadsLabelsFromTheMergedFileAndAgreesWithTheEngine() throws Exception {
    Path run = trainedRun(0.5, "mean", 14);
    Path out = dir.resolve("merged.onnx");
    ExportRun.execute(run, ExportFormat.ONNX_MERGED, out, null, false, false);
    try (OnnxPredictor p = new OnnxPredictor(out);
        TrainedRun t = TrainedRun.open(run);
        TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), p.maxLength())) {
      assertThat(p.labels()).containsExactly("neg", "pos");
      List<OnnxPredictor.Prediction> preds = p.predict(tok, List.of("great room", "terrible view"));
      int[] engine =
          dev.plora.engine.eval.Evaluator.predict(
              t.model(),
              t.tokenizer(),
              new Dataset(
                  Path.of("x"),
                  List.of(
                      new dev.plora.engine.data.Example("great room", null, "pos", 1),
                      new dev.plora.engine.data.Example("terrible view", null, "neg", 2))),
              8);
      assertThat(preds.get(0).label()).isEqualTo(p.labels().get(engine[0]));
      assertThat(preds.get(1).label()).isEqualTo(p.labels().get(engine[1]));
      assertThat(
              preds.get(0).probabilities().values().stream().mapToDouble(Double::doubleValue).sum())
          .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void peftAdapterHasPeftKeysShapesConfigAndZeroMaskedEntries() throws Exception {
    Path run = trainedRun(0.25, "mean", 14);
    Path out = dir.resolve("peft");
    ExportRun.execute(run, ExportFormat.PEFT, out, null, false, false);
    JsonNode c = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
    assertThat(c.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(c.get("task_type").asText()).isEqualTo("SEQ_CLS");
    assertThat(c.get("r").asInt()).isEqualTo(4);
    assertThat(c.get("lora_alpha").asDouble()).isEqualTo(8.0);
    assertThat(c.get("modules_to_save").get(0).asText()).isEqualTo("classifier");
    assertThat(c.get("target_modules")).hasSize(12);
    assertThat(c.get("target_modules").get(0).asText())
        .isEqualTo("bert.encoder.layer.0.attention.self.query");
    assertThat(c.get("base_model_name_or_path").asText()).endsWith("model.onnx");
    // Only LoraConfig's fields: PEFT warns about any other key. plora's settings sit beside it.
    assertThat(c.has("plora")).isFalse();
    JsonNode p = new ObjectMapper().readTree(out.resolve("plora_config.json").toFile());
    assertThat(p.get("format").asText()).isEqualTo("plora-peft");
    assertThat(p.get("format_version").asInt()).isEqualTo(2);
    assertThat(p.get("pooling").asText()).isEqualTo("mean");
    assertThat(p.get("labels")).hasSize(2);
    assertThat(p.get("masks").asText()).isEqualTo("partial_lora_masks.safetensors");
    try (NDManager m = NDManager.newBaseManager()) {
      NDList w = decode(m, out.resolve("adapter_model.safetensors"));
      NDList masks = decode(m, out.resolve("partial_lora_masks.safetensors"));
      String key = "base_model.model.bert.encoder.layer.1.intermediate.dense";
      assertThat(w.get(key + ".lora_A.weight").getShape().getShape()).containsExactly(4, 16);
      assertThat(w.get(key + ".lora_B.weight").getShape().getShape()).containsExactly(32, 4);
      assertThat(w.get("base_model.model.classifier.weight").getShape().getShape())
          .containsExactly(2, 16);
      assertMaskedZero(w.get(key + ".lora_A.weight"), masks.get(key + ".lora_A.mask"));
      assertMaskedZero(w.get(key + ".lora_B.weight"), masks.get(key + ".lora_B.mask"));
      assertThat(w.size()).isEqualTo(2 * 12 + 2);
    }
  }

  @Test
  void sparseAdapterRoundTripsBitExactlyAndItsSizeFollowsKeptEntries() throws Exception {
    Path dense = trainedRun(1.0, "mean", 14);
    Path sparse = trainedRun(0.125, "mean", 14);
    Path outDense = dir.resolve("sparse-dense");
    Path outSparse = dir.resolve("sparse-0125");
    ExportRun.Result rd =
        ExportRun.execute(dense, ExportFormat.SPARSE, outDense, null, false, false);
    ExportRun.Result rs =
        ExportRun.execute(sparse, ExportFormat.SPARSE, outSparse, null, false, false);
    long tensorsDense = Files.size(outDense.resolve(SparseAdapter.TENSORS));
    long tensorsSparse = Files.size(outSparse.resolve(SparseAdapter.TENSORS));
    long keptDense;
    long keptSparse;
    try (TrainedRun a = TrainedRun.open(dense);
        TrainedRun b = TrainedRun.open(sparse)) {
      keptDense = a.model().adapterParameters();
      keptSparse = b.model().adapterParameters();
    }
    assertThat((double) keptSparse / keptDense)
        .isCloseTo(0.125, org.assertj.core.data.Offset.offset(0.01));
    // 8 bytes (int32 index + fp32 value) per kept entry; the JSON headers differ only in the digits
    // of
    // shapes and data offsets, a few bytes per tensor (4 per target plus the head's 2).
    int tensors = 4 * 12 + 2;
    assertThat((double) (tensorsDense - tensorsSparse))
        .isCloseTo(
            8.0 * (keptDense - keptSparse), org.assertj.core.data.Offset.offset(5.0 * tensors));
    assertThat(rs.bytes()).isLessThan(rd.bytes());
    try (NDManager m = NDManager.newBaseManager();
        TrainedRun t = TrainedRun.open(sparse)) {
      NDList original = t.model().adapterTensors(m);
      NDList back = SparseAdapter.read(outSparse, m);
      for (NDArray a : original) {
        NDArray b = back.get(a.getName());
        assertThat(b).as(a.getName()).isNotNull();
        assertThat(b.toByteArray()).as(a.getName()).isEqualTo(a.toByteArray());
      }
      // Loading it into the engine reproduces the run's predictions exactly.
      NDArray before = t.model().logits(m, t.tokenizer().encode(List.of("good food", "bad view")));
      t.model().loadAdapterTensors(back, outSparse.toString());
      NDArray after = t.model().logits(m, t.tokenizer().encode(List.of("good food", "bad view")));
      assertThat(after.toFloatArray()).isEqualTo(before.toFloatArray());
    }
    Path half = dir.resolve("sparse-fp16");
    ExportRun.execute(sparse, ExportFormat.SPARSE, half, null, false, true);
    assertThat(Files.size(half.resolve(SparseAdapter.TENSORS))).isLessThan(tensorsSparse);
  }

  @Test
  void existingOutputIsRefusedUnlessForced() throws Exception {
    Path run = trainedRun(0.5, "mean", 14);
    Path out = dir.resolve("exists.onnx");
    Files.writeString(out, "keep me");
    assertThatThrownBy(
            () -> ExportRun.execute(run, ExportFormat.ONNX_MERGED, out, null, false, false))
        .hasMessageContaining("already exists; force the export to replace it");
    assertThat(Files.readString(out)).isEqualTo("keep me");
    ExportRun.execute(run, ExportFormat.ONNX_MERGED, out, null, true, false);
    assertThat(Files.size(out)).isGreaterThan(1000);
  }

  @Test
  void adapterWithNaNIsRefusedNamingModuleAndTensor() throws Exception {
    Path run = trainedRun(1.0, "mean", 14);
    Path adapter = run.resolve(TrainRun.ADAPTER);
    try (NDManager m = NDManager.newBaseManager()) {
      NDList tensors = decode(m, adapter);
      NDList broken = new NDList();
      for (NDArray a : tensors) {
        NDArray copy = a;
        if (a.getName().equals("encoder.layer.1.output.dense.lora_B")) {
          float[] v = a.toFloatArray();
          v[3] = Float.NaN;
          copy = m.create(v, a.getShape());
          copy.setName(a.getName());
        }
        broken.add(copy);
      }
      try (var os = Files.newOutputStream(adapter)) {
        broken.encode(os, NDList.Encoding.SAFETENSORS);
      }
    }
    for (ExportFormat f : ExportFormat.values()) {
      Path out = dir.resolve("nan-" + f.cliName());
      assertThatThrownBy(() -> ExportRun.execute(run, f, out, null, false, false))
          .hasMessageContaining(
              "tensor 'lora_B' of module 'encoder.layer.1.output.dense' holds NaN");
    }
    for (ExportFormat f : ExportFormat.values()) {
      assertThat(dir.resolve("nan-" + f.cliName())).doesNotExist();
    }
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  private static NDList decode(NDManager m, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return NDList.decode(m, in);
    }
  }

  private static void assertMaskedZero(NDArray values, NDArray mask) {
    float[] v = values.toFloatArray();
    byte[] k = mask.toByteArray();
    long kept = 0;
    for (int i = 0; i < v.length; i++) {
      if (k[i] == 0) {
        assertThat(v[i]).isEqualTo(0f);
      } else {
        kept++;
      }
    }
    assertThat(kept).isEqualTo(Math.round(0.25 * v.length));
  }
}
