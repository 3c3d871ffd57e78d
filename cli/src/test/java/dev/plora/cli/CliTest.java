package dev.plora.cli;

import static dev.plora.cli.CliRunner.plora;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plora command on the real default model, as a user runs it. */
class CliTest {
  @TempDir Path dir;

  @Test
  void inspectJsonListsMiniLmInputsOutputsAndItsThirtySixTargets() throws Exception {
    CliRunner.Result r = plora("inspect", "--model", "default", "--json");
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("inputs"))
        .extracting(n -> n.get("name").asText())
        .containsExactly("input_ids", "attention_mask", "token_type_ids");
    assertThat(json.get("outputs").get(0).get("shape").toString())
        .isEqualTo("[\"batch_size\",\"sequence_length\",\"384\"]");
    assertThat(json.get("opHistogram").get("MatMul").asInt()).isEqualTo(48);
    assertThat(json.get("targets")).hasSize(36);
    JsonNode first = json.get("targets").get(0);
    assertThat(first.get("module").asText()).isEqualTo("encoder.layer.0.attention.self.query");
    assertThat(first.get("nodeName").asText())
        .isEqualTo("/encoder/layer.0/attention/self/query/MatMul");
    assertThat(first.get("in").asLong()).isEqualTo(384);
  }

  @Test
  void inspectTextShowsTheTargetTable() {
    CliRunner.Result r = plora("inspect");
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out())
        .contains("LoRA targets (36 MatMuls")
        .contains("encoder.layer.5.output.dense")
        .contains("[1536, 384]");
  }

  @Test
  void inferWritesTokensAndEveryOutputToSafetensors() throws Exception {
    Path lines = dir.resolve("texts.txt");
    Files.writeString(lines, "a short one\n\nand a noticeably longer second line of text\n");
    Path out = dir.resolve("out/result.safetensors");
    CliRunner.Result r =
        plora(
            "infer",
            "--input-file",
            lines.toString(),
            "--max-len",
            "8",
            "--output",
            out.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("2 texts, 8 tokens each");
    try (NDManager m = NDManager.newBaseManager();
        InputStream in = Files.newInputStream(out)) {
      NDList list = NDList.decode(m, in);
      assertThat(list)
          .extracting(a -> a.getName())
          .containsExactlyInAnyOrder(
              "input_ids", "attention_mask", "token_type_ids", "last_hidden_state");
      assertThat(list.get("last_hidden_state").getShape().getShape()).containsExactly(2, 8, 384);
      // The first text has 5 tokens ([CLS] a short one [SEP]); the rest of its row is padding.
      assertThat(list.get("attention_mask").toLongArray()).startsWith(1, 1, 1, 1, 1, 0, 0, 0);
    }
  }

  @Test
  void badInputGivesOneLineErrorsAndNonZeroExitCodes() {
    CliRunner.Result missingModel =
        plora("inspect", "--model", dir.resolve("nope.onnx").toString());
    assertThat(missingModel.code()).isEqualTo(1);
    assertThat(missingModel.err()).startsWith("plora: error: --model names no file");

    CliRunner.Result noTexts = plora("infer", "--output", dir.resolve("x.safetensors").toString());
    assertThat(noTexts.code()).isEqualTo(2);

    CliRunner.Result emptyFile =
        plora(
            "infer",
            "--input-file",
            write("empty.txt", "\n\n"),
            "--output",
            dir.resolve("y.safetensors").toString());
    assertThat(emptyFile.code()).isEqualTo(2);
    assertThat(emptyFile.err()).contains("has no non-empty lines");
    assertThat(dir.resolve("y.safetensors")).doesNotExist();
  }

  private String write(String name, String content) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, content);
      return p.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
