package dev.plora.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.eval.Evaluator;
import dev.plora.engine.eval.Metrics;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.LoraLayer;
import dev.plora.engine.lora.Parameter;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.TinyTask;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final LoraConfig LORA = new LoraConfig(4, 8, 0, LoraConfig.DEFAULT_TARGETS);
  private static TextTokenizer tokenizer;

  @TempDir Path dir;

  @BeforeAll
  static void open() {
    tokenizer = TextTokenizer.load(DefaultModel.tokenizer(), 16);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static AdaptedModel model(NDManager m, OnnxModel onnx, double density) {
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(onnx), LORA.targets());
    return new AdaptedModel(
        onnx,
        LORA,
        sites,
        AdapterMasks.uniform(sites, 4, density, 5),
        2,
        Pooling.MEAN,
        SparseLrScaling.INVERSE_DENSITY,
        7,
        m);
  }

  private static TrainingConfig config(int epochs, int checkpointEvery) {
    return TrainingConfig.builder()
        .epochs(epochs)
        .batchSize(8)
        .learningRate(5e-3)
        .warmupRatio(0.1)
        .seed(11)
        .checkpointEvery(checkpointEvery)
        .build();
  }

  @Test
  void trainingChangesOnlyAdapterAndHeadValuesAndKeepsMaskedEntriesZero() {
    OnnxModel onnx = TinyTask.model(1);
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 48, 1);
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 0.5)) {
      Map<String, float[]> baseBefore = new HashMap<>();
      model
          .executor()
          .parameters()
          .forEach(
              (k, v) -> {
                if (v.getDataType().isFloating()) {
                  baseBefore.put(k, v.toFloatArray());
                }
              });
      Map<String, float[]> trainBefore = new HashMap<>();
      model.parameters().forEach(p -> trainBefore.put(p.name(), p.value().toFloatArray()));

      new Trainer(model, tokenizer, config(2, 0), null, "t").train(data, LabelSet.of(data), false);

      baseBefore.forEach(
          (k, v) ->
              assertThat(model.executor().parameter(k).toFloatArray())
                  .as("frozen %s", k)
                  .isEqualTo(v));
      for (Parameter p : model.parameters()) {
        assertThat(p.value().toFloatArray())
            .as("trained %s", p.name())
            .isNotEqualTo(trainBefore.get(p.name()));
      }
      for (LoraLayer l : model.layers().values()) {
        float[] a = l.a().denseValues();
        float[] mask = l.a().mask().toValues();
        for (int i = 0; i < a.length; i++) {
          if (mask[i] == 0) {
            assertThat(a[i]).isEqualTo(0f);
          }
        }
        float[] b = l.b().denseValues();
        float[] mb = l.b().mask().toValues();
        for (int i = 0; i < b.length; i++) {
          if (mb[i] == 0) {
            assertThat(b[i]).isEqualTo(0f);
          }
        }
      }
    }
  }

  @Test
  void lossFallsAndTheModelLearnsASmallGeneratedTask() {
    OnnxModel onnx = TinyTask.model(2);
    Dataset train = TinyTask.dataset(dir, "train.jsonl", 96, 2);
    Dataset test = TinyTask.dataset(dir, "test.jsonl", 40, 3);
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 1.0)) {
      LabelSet labels = LabelSet.of(train);
      TrainingResult r =
          new Trainer(
                  model,
                  tokenizer,
                  TrainingConfig.builder()
                      .epochs(6)
                      .batchSize(8)
                      .learningRate(1e-2)
                      .weightDecay(0)
                      .warmupRatio(0.1)
                      .seed(3)
                      .build(),
                  null,
                  "t")
              .train(train, labels, false);
      List<Double> l = r.losses();
      double first =
          l.subList(0, 6).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double last =
          l.subList(l.size() - 6, l.size()).stream()
              .mapToDouble(Double::doubleValue)
              .average()
              .orElseThrow();
      assertThat(last).isLessThan(first * 0.7);
      Metrics metrics = Evaluator.evaluate(model, tokenizer, test, labels, 16);
      assertThat(metrics.accuracy()).isGreaterThan(0.75);
    }
  }

  @Test
  void resumedRunContinuesWithTheSameLossesAsAnUninterruptedOne() {
    OnnxModel onnx = TinyTask.model(3);
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 40, 4);
    LabelSet labels = LabelSet.of(data);
    List<Double> uninterrupted;
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 0.5)) {
      uninterrupted =
          new Trainer(model, tokenizer, config(2, 0), null, "fp")
              .train(data, labels, false)
              .losses();
    }
    Path ckpt = dir.resolve("ckpt");
    AtomicInteger steps = new AtomicInteger();
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 0.5)) {
      TrainingResult part =
          new Trainer(model, tokenizer, config(2, 0), ckpt, "fp")
              .onProgress(p -> steps.incrementAndGet())
              .stopWhen(() -> steps.get() >= 4)
              .train(data, labels, false);
      assertThat(part.completed()).isFalse();
      assertThat(part.steps()).isEqualTo(4);
    }
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 0.5)) {
      TrainingResult rest =
          new Trainer(model, tokenizer, config(2, 0), ckpt, "fp").train(data, labels, true);
      assertThat(rest.firstStep()).isEqualTo(5);
      assertThat(rest.losses())
          .containsExactlyElementsOf(uninterrupted.subList(4, uninterrupted.size()));
    }
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 0.5)) {
      Trainer other = new Trainer(model, tokenizer, config(3, 0), ckpt, "another-config");
      assertThatThrownBy(() -> other.train(data, labels, true))
          .hasMessageContaining("another configuration");
    }
  }

  @Test
  void optimizerStateScalesWithKeptEntries() {
    OnnxModel onnx = TinyTask.model(4);
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 8, 5);
    long dense;
    long sparse;
    long head = 2 * 16 + 2;
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 1.0)) {
      dense =
          new Trainer(model, tokenizer, config(1, 0), null, "t")
              .train(data, LabelSet.of(data), false)
              .optimizerStateBytes();
      assertThat(dense).isEqualTo(2 * 4 * (model.denseLoraParameters() + head));
    }
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 0.125)) {
      sparse =
          new Trainer(model, tokenizer, config(1, 0), null, "t")
              .train(data, LabelSet.of(data), false)
              .optimizerStateBytes();
      assertThat(sparse).isEqualTo(2 * 4 * (model.adapterParameters() + head));
    }
    assertThat((double) sparse / dense).isLessThan(0.2);
  }

  @Test
  void nonFiniteLossStopsTrainingNamingTheStep() {
    OnnxModel onnx = TinyTask.model(5);
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 32, 6);
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel model = model(m, onnx, 1.0)) {
      Trainer t =
          new Trainer(
              model,
              tokenizer,
              TrainingConfig.builder()
                  .epochs(3)
                  .batchSize(8)
                  .learningRate(1e25)
                  .weightDecay(0)
                  .warmupRatio(0)
                  .maxGradNorm(0)
                  .seed(1)
                  .build(),
              null,
              "t");
      assertThatThrownBy(() -> t.train(data, LabelSet.of(data), false))
          .isInstanceOf(TrainingException.class)
          .hasMessageMatching(
              "the loss is (NaN|Infinity|-Infinity) at step \\d+ \\(epoch \\d+\\).*");
    }
  }

  @Test
  void badHyperParametersAreRejected() {
    assertThatThrownBy(() -> TrainingConfig.builder().epochs(0).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("training.epochs must be in [1, 1000], got 0");
    assertThatThrownBy(() -> TrainingConfig.builder().learningRate(-1).build())
        .hasMessage("training.learningRate must be > 0, got -1.0");
    assertThatThrownBy(() -> TrainingConfig.builder().batchSize(0).build())
        .hasMessage("training.batchSize must be in [1, 4096], got 0");
    assertThatThrownBy(() -> TrainingConfig.builder().maxLength(1).build())
        .hasMessage("training.maxLength must be in [2, 8192], got 1");
    assertThatThrownBy(() -> TrainingConfig.builder().warmupRatio(1).build())
        .hasMessage("training.warmupRatio must be in [0, 1), got 1.0");
  }

  @Test
  void scheduleWarmsUpLinearlyThenDecaysToZero() {
    LinearSchedule s = LinearSchedule.of(1.0, 0.1, 100);
    assertThat(s.warmup()).isEqualTo(10);
    assertThat(s.at(5)).isEqualTo(0.5);
    assertThat(s.at(10)).isEqualTo(1.0);
    assertThat(s.at(55)).isEqualTo(0.5);
    assertThat(s.at(100)).isEqualTo(0.0);
  }
}
