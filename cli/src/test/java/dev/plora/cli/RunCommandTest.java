package dev.plora.cli;

import static dev.plora.cli.CliRunner.plora;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.jobs.TinyJob;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plora run (a job in one process) and the mesh client's errors, as a user meets them. */
class RunCommandTest {
  @TempDir Path dir;

  @Test
  void runsAJobFromFlagsToAnExport() throws Exception {
    Path tiny = TinyJob.write(dir.resolve("tiny"), 16);
    CliRunner.Result r =
        plora(
            "run",
            "--model",
            tiny.resolve("model.onnx").toString(),
            "--tokenizer",
            tiny.resolve("tokenizer.json").toString(),
            "--train",
            tiny.resolve("train.jsonl").toString(),
            "--eval",
            tiny.resolve("eval.jsonl").toString(),
            "--strategy",
            "uniform",
            "--densities",
            "0.5,0.25",
            "--rank",
            "4",
            "--epochs",
            "1",
            "--batch",
            "8",
            "--max-len",
            "16",
            "--export",
            "onnx-merged,sparse",
            "--store",
            dir.resolve("store").toString(),
            "--job-id",
            "t1");
    assertThat(r.code()).as(r.err() + r.out()).isEqualTo(0);
    assertThat(r.out())
        .contains("t1  succeeded")
        .contains("<- best")
        .contains("export onnx-merged")
        .contains("wall time");
    assertThat(Files.isRegularFile(dir.resolve("store/jobs/t1/exports/model.onnx"))).isTrue();
    assertThat(Files.isDirectory(dir.resolve("store/jobs/t1/trial-1/run")))
        .isTrue(); // two trials: 0.5 and 0.25
  }

  @Test
  void badInputIsOneLineNamingIt() {
    CliRunner.Result missing =
        plora("run", "--train", dir.resolve("missing.jsonl").toString(), "--store", dir.toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).startsWith("plora: error: --train: no such file");
    CliRunner.Result invalid =
        plora("run", "--train", writeOne(), "--tau", "2", "--store", dir.toString());
    assertThat(invalid.err())
        .startsWith("plora: error: --tau (strategy.tau) must be in (0, 1], got 2.0");
    CliRunner.Result zero =
        plora("run", "--train", writeOne(), "--max-len", "0", "--store", dir.toString());
    assertThat(zero.err())
        .startsWith("plora: error: --max-len (training.max_length) must be in [2, 8192], got 0");
    CliRunner.Result noToken = plora("status", "job-x", "--gateway", "127.0.0.1:1");
    assertThat(noToken.code()).isEqualTo(1);
    assertThat(noToken.err()).contains("no token for the gateway").contains("plora token");
    Path token = dir.resolve("token");
    try {
      Files.writeString(token, "not-checked-before-connecting\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    CliRunner.Result down =
        plora(
            "status",
            "job-x",
            "--gateway",
            "127.0.0.1:1",
            "--token-file",
            token.toString(),
            "--plaintext");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err()).contains("UNAVAILABLE").contains("plora up");
  }

  private String writeOne() {
    try {
      Path p = dir.resolve("one.jsonl");
      Files.writeString(p, "{\"text\": \"hello\", \"label\": \"a\"}\n");
      return p.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
