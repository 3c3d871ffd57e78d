package dev.plora.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.mask.Strategies;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.testing.TinyTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  @TempDir Path dir;

  @Test
  void sweepWritesResultsReportAndCurveAndContinuesWhereItStopped() throws Exception {
    Path model = dir.resolve("model/model.onnx");
    TinyTask.model(6).save(model);
    Files.copy(DefaultModel.tokenizer(), dir.resolve("model/tokenizer.json"));
    Dataset train = TinyTask.dataset(dir, "train.jsonl", 24, 1);
    Dataset eval = TinyTask.dataset(dir, "eval.jsonl", 12, 2);
    SweepConfig c =
        new SweepConfig(
            base(model, train, eval),
            StrategyConfig.builder("x").fewShot(3).rounds(2).prune(0.5).build(),
            Strategies.names(),
            List.of(0.5),
            false,
            List.of(1L, 2L),
            List.of(0.9));
    Path out = dir.resolve("sweep");
    List<String> log = new ArrayList<>();
    List<SweepRow> rows = Sweep.execute(c, out, log::add);
    SweepReport.write(rows, out, "test sweep");

    // Per seed: dense, partial-lora, uniform@0.5, imp (2 rounds), shuffled, low-rank.
    assertThat(rows).hasSize(2 * 7);
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 14);
    assertThat(rows)
        .filteredOn(r -> r.strategy().equals("dense"))
        .allSatisfy(r -> assertThat(r.kept()).isEqualTo(1.0));
    assertThat(rows)
        .filteredOn(r -> r.strategy().equals("uniform"))
        .allSatisfy(r -> assertThat(r.kept()).isBetween(0.49, 0.51));
    assertThat(rows)
        .filteredOn(r -> r.strategy().equals("imp"))
        .extracting(SweepRow::kept)
        .contains(1.0)
        .anySatisfy(k -> assertThat(k).isBetween(0.45, 0.55));
    SweepRow partial =
        rows.stream()
            .filter(r -> r.strategy().equals("partial-lora") && r.seed() == 1)
            .findFirst()
            .orElseThrow();
    SweepRow shuffled =
        rows.stream()
            .filter(r -> r.strategy().equals("shuffled") && r.seed() == 1)
            .findFirst()
            .orElseThrow();
    assertThat(shuffled.kept()).isEqualTo(partial.kept());
    SweepRow lowRank =
        rows.stream()
            .filter(r -> r.strategy().equals("low-rank") && r.seed() == 1)
            .findFirst()
            .orElseThrow();
    assertThat(lowRank.kept()).isLessThanOrEqualTo(partial.kept());
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("| dense | all |").contains(" ± ").contains("| 0.90 |");
    // Plan-derived strategies are one group over seeds even when their densities differ slightly.
    assertThat(SweepReport.groups(rows))
        .filteredOn(g -> g.strategy().equals("partial-lora"))
        .singleElement()
        .satisfies(g -> assertThat(g.runs()).isEqualTo(2));
    byte[] png = Files.readAllBytes(out.resolve("lth-curve.png"));
    assertThat(png.length).isGreaterThan(5000);
    assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");

    // A rerun trains nothing; after one run is lost, only that one is trained again.
    Path denseRun = Path.of(rows.get(0).run());
    FileTime before = Files.getLastModifiedTime(denseRun.resolve("metrics.json"));
    Path lost =
        Path.of(
            rows.stream()
                .filter(r -> r.strategy().equals("uniform") && r.seed() == 2)
                .findFirst()
                .orElseThrow()
                .run());
    for (String f : List.of("metrics.json", "adapter.safetensors")) {
      Files.delete(lost.resolve(f));
    }
    log.clear();
    List<SweepRow> again = Sweep.execute(c, out, log::add);
    assertThat(again).hasSize(14);
    assertThat(log.stream().filter(l -> l.startsWith("train ")))
        .containsExactly("train " + lost.getFileName());
    assertThat(Files.getLastModifiedTime(denseRun.resolve("metrics.json"))).isEqualTo(before);
  }

  @Test
  void eachTauGetsItsPlanAndEqualBudgetControls() throws Exception {
    Path model = dir.resolve("model/model.onnx");
    TinyTask.model(6).save(model);
    Files.copy(DefaultModel.tokenizer(), dir.resolve("model/tokenizer.json"));
    Dataset train = TinyTask.dataset(dir, "train.jsonl", 24, 1);
    Dataset eval = TinyTask.dataset(dir, "eval.jsonl", 12, 2);
    SweepConfig c =
        new SweepConfig(
            base(model, train, eval),
            StrategyConfig.builder("x").fewShot(3).rounds(2).prune(0.5).build(),
            List.of("partial-lora", "uniform", "shuffled", "low-rank"),
            List.of(),
            true,
            List.of(1L),
            List.of(0.5, 0.99));
    Path out = dir.resolve("sweep");
    List<SweepRow> rows = Sweep.execute(c, out, l -> {});
    SweepReport.write(rows, out, "tau sweep");

    // Per τ: partial-lora, uniform at its budget, shuffled, low-rank.
    assertThat(rows).hasSize(2 * 4);
    for (double tau : List.of(0.5, 0.99)) {
      SweepRow partial = only(rows, "partial-lora", tau);
      // Uniform and shuffled match Partial-LoRA's budget (uniform to the rounding of each matrix's
      // count).
      assertThat(only(rows, "shuffled", tau).adapterParams()).isEqualTo(partial.adapterParams());
      assertThat((double) only(rows, "uniform", tau).adapterParams())
          .isCloseTo(partial.adapterParams(), org.assertj.core.data.Percentage.withPercentage(2));
      assertThat(only(rows, "low-rank", tau).adapterParams())
          .isLessThanOrEqualTo(partial.adapterParams());
    }
    // A lower τ keeps fewer directions, so it never needs more parameters.
    assertThat(only(rows, "partial-lora", 0.5).adapterParams())
        .isLessThanOrEqualTo(only(rows, "partial-lora", 0.99).adapterParams());
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report)
        .contains("## Partial-LoRA against dense LoRA and equal-budget controls")
        .contains("| 0.50 |")
        .contains("| 0.99 |")
        .contains("| partial-lora | τ 0.50 |");
    assertThat(Files.readAllLines(out.resolve("results.csv")).get(0))
        .startsWith("strategy,density,tau,seed");
  }

  private static SweepRow only(List<SweepRow> rows, String strategy, double tau) {
    return rows.stream()
        .filter(r -> r.strategy().equals(strategy) && r.tau() == tau)
        .findFirst()
        .orElseThrow();
  }

  /** Rank 4, alpha 8, max length 16, one epoch of batch 8 at lr 1e-2. */
  private static RunConfig base(Path model, Dataset train, Dataset eval) {
    return new RunConfig(
        new ModelConfig(model.toString(), null, Pooling.MEAN),
        DataConfig.of(train.source(), eval.source()),
        LoraConfig.builder().rank(4).alpha(8.0).build(),
        null,
        TrainingConfig.builder().epochs(1).batchSize(8).learningRate(1e-2).maxLength(16).build(),
        null);
  }

  @Test
  void badSweepParametersAreRejected() {
    RunConfig base = RunConfig.of(DataConfig.of(Path.of("t"), Path.of("e")));
    StrategyConfig s = StrategyConfig.DEFAULTS;
    assertThatThrownBy(
            () ->
                new SweepConfig(
                    base, s, List.of("magic"), List.of(0.5), false, List.of(1L), List.of(0.9)))
        .hasMessageContaining("sweep.strategies names an unknown strategy 'magic'");
    assertThatThrownBy(
            () ->
                new SweepConfig(
                    base, s, List.of("uniform"), List.of(0.0), false, List.of(1L), List.of(0.9)))
        .hasMessage("sweep.densities must be in (0, 1], got 0.0");
    assertThatThrownBy(
            () ->
                new SweepConfig(
                    base,
                    s,
                    List.of("partial-lora"),
                    List.of(),
                    false,
                    List.of(1L),
                    List.of(0.9, 1.5)))
        .hasMessage("sweep.taus must be in (0, 1], got 1.5");
    assertThatThrownBy(
            () ->
                new SweepConfig(
                    base, s, List.of("uniform"), List.of(), false, List.of(1L), List.of(0.9)))
        .hasMessageContaining("sweep.densities must be given for uniform");
    assertThatThrownBy(
            () ->
                new SweepConfig(
                    RunConfig.of(DataConfig.of(Path.of("t"), null)),
                    s,
                    List.of("dense"),
                    List.of(),
                    false,
                    List.of(1L),
                    List.of(0.9)))
        .hasMessageContaining("data.eval is required");
  }
}
