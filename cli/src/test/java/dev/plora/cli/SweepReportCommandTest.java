package dev.plora.cli;

import static dev.plora.cli.CliRunner.plora;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportCommandTest {
  private static final String HEADER =
      "strategy,density,tau,seed,trainable_params,adapter_params,kept_fraction,accuracy,macro_f1,mcc,wall_seconds\n";

  @TempDir Path dir;

  @Test
  void mergesTheSeedsOfTwoSweepsIntoOneReport() throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Files.writeString(
        a,
        HEADER
            + "dense,1.000000,,1,110,100,1.000000,0.900000,0.890000,0.800000,10.0\n"
            + "partial-lora,0.200000,0.80,1,30,20,0.200000,0.800000,0.790000,0.600000,9.0\n");
    Files.writeString(
        b,
        HEADER
            + "dense,1.000000,,2,110,100,1.000000,0.700000,0.690000,0.400000,10.0\n"
            + "partial-lora,0.210000,0.80,2,31,21,0.210000,0.600000,0.590000,0.200000,9.0\n");
    Path out = dir.resolve("merged");
    CliRunner.Result r =
        plora("sweep-report", a.toString(), b.toString(), "--out", out.toString(), "--title", "x");
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 4);
    assertThat(out.resolve("lth-curve.png")).isNotEmptyFile();
    // n = 2 per group: dense 0.8 ± 0.141 (sample std of 0.9 and 0.7).
    assertThat(r.out()).containsPattern("dense\\s+all\\s+1\\.000\\s+2\\s+0\\.800 ± 0\\.141");
    assertThat(r.out())
        .containsPattern("partial-lora\\s+τ 0\\.80\\s+0\\.205\\s+2\\s+0\\.700 ± 0\\.141");
    assertThat(Files.readString(out.resolve("report.md"))).startsWith("# x");
  }

  @Test
  void aMalformedResultsFileIsRefusedWithItsRecord() throws Exception {
    Path a = dir.resolve("a.csv");
    Files.writeString(a, HEADER + "dense,1.0,,one,110,100,1.0,0.9,0.89,0.8,10.0\n");
    Path out = dir.resolve("merged");
    CliRunner.Result r = plora("sweep-report", a.toString(), "--out", out.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("record 2").contains("'seed'").contains("'one'");
    assertThat(out).doesNotExist();
  }
}
