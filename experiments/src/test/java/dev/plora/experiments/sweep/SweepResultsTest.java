package dev.plora.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepResultsTest {
  @TempDir Path dir;

  private static SweepRow row(String strategy, double density, double tau, long seed, double acc) {
    long params = Math.round(1000 * density);
    return new SweepRow(
        strategy,
        density,
        tau,
        seed,
        params + 10,
        params,
        density,
        acc,
        acc - 0.01,
        acc - 0.5,
        Double.NaN,
        "");
  }

  @Test
  void readsBackWhatTheReportWrote() throws Exception {
    List<SweepRow> rows =
        List.of(
            row("dense", 1.0, Double.NaN, 1, 0.9),
            row("partial-lora", 0.147569, 0.7, 1, 0.875),
            row("imp", 0.25, Double.NaN, 1, 0.8125));
    SweepReport.write(rows, dir, "t");
    List<SweepRow> back = SweepResults.read(dir.resolve("results.csv"));
    assertThat(back).hasSize(3);
    assertThat(back.get(0).strategy()).isEqualTo("dense");
    assertThat(back.get(0).tau()).isNaN();
    assertThat(back.get(1).tau()).isEqualTo(0.7);
    assertThat(back.get(1).density()).isEqualTo(0.147569);
    assertThat(back.get(1).adapterParams()).isEqualTo(148);
    assertThat(back.get(1).trainableParams()).isEqualTo(158);
    assertThat(back.get(2).accuracy()).isEqualTo(0.8125);
    assertThat(back.get(2).macroF1()).isEqualTo(0.8025);
    assertThat(back.get(2).mcc()).isEqualTo(0.3125);
    assertThat(back.get(2).wallSeconds()).isNaN();
  }

  @Test
  void mergeAddsNewSeedsAndTakesARepeatedRunFromTheLaterList() {
    List<SweepRow> first =
        List.of(row("dense", 1.0, Double.NaN, 1, 0.9), row("uniform", 0.2, 0.8, 1, 0.7));
    List<SweepRow> second =
        List.of(
            row("uniform", 0.21, 0.8, 1, 0.75), // same run (τ budget, seed): replaces in place
            row("uniform", 0.2, 0.9, 1, 0.6), // another τ
            row("dense", 1.0, Double.NaN, 2, 0.8)); // another seed
    List<SweepRow> merged = SweepResults.merge(List.of(first, second));
    assertThat(merged)
        .extracting(r -> r.strategy() + "/" + r.seed() + "/" + r.accuracy())
        .containsExactly("dense/1/0.9", "uniform/1/0.75", "uniform/1/0.6", "dense/2/0.8");
  }

  @Test
  void impRoundsAreDistinctRunsEvenThoughTheyShareAStrategyAndSeed() {
    List<SweepRow> merged =
        SweepResults.merge(
            List.of(
                List.of(
                    row("imp", 0.5, Double.NaN, 1, 0.9), row("imp", 0.25, Double.NaN, 1, 0.8))));
    assertThat(merged).hasSize(2);
  }

  @Test
  void aBadFileSaysWhichRecordAndColumn() throws Exception {
    Path csv = dir.resolve("results.csv");
    Files.writeString(
        csv,
        "strategy,density,tau,seed,trainable_params,adapter_params,kept_fraction,accuracy,macro_f1,mcc,wall_seconds\n"
            + "dense,1.0,,1,10,9,1.0,0.9,0.8,0.7,1.0\n"
            + "dense,1.0,,2,10,9,1.0,high,0.8,0.7,1.0\n");
    assertThatThrownBy(() -> SweepResults.read(csv))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("record 3")
        .hasMessageContaining("'accuracy'")
        .hasMessageContaining("'high'");

    Files.writeString(csv, "strategy,seed\ndense,1\n");
    assertThatThrownBy(() -> SweepResults.read(csv))
        .hasMessageContaining("record 2")
        .hasMessageContaining("missing column 'density'");
  }
}
