package dev.plora.engine.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.AdapterMasks;
import dev.plora.engine.lora.LoraLayer;
import dev.plora.engine.lora.TargetMasks;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.TinyTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImpTest {
  @TempDir Path dir;

  private static final OnnxModel MODEL = TinyTask.model(4);
  private static final LoraConfig LORA = LoraConfig.builder().rank(4).alpha(8.0).build();
  private static final List<TargetSite> SITES =
      TargetMatcher.select(TargetSites.find(MODEL), LORA.targets());
  private static final TrainingConfig TRAIN =
      TrainingConfig.builder()
          .epochs(1)
          .batchSize(8)
          .learningRate(1e-2)
          .weightDecay(0)
          .warmupRatio(0)
          .seed(7)
          .build();

  @Test
  void eachRoundPrunesTheStatedFractionPerMatrixAndKeepsItsPlanAndMetrics() throws Exception {
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 16, 1);
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      MaskPlan plan =
          Imp.plan(
              MODEL,
              SITES,
              LORA,
              Pooling.MEAN,
              data,
              null,
              tok,
              TRAIN,
              imp(2, 0.25, false, 0),
              dir.resolve("imp"),
              () -> false);
      try (NDManager m = NDManager.newBaseManager()) {
        MaskPlan round1 = MaskPlan.load(dir.resolve("imp/round-1"), TargetSites.find(MODEL), m);
        MaskPlan round2 = MaskPlan.load(dir.resolve("imp/round-2"), TargetSites.find(MODEL), m);
        for (TargetSite s : SITES) {
          TargetMasks dense = round1.masks().byModule().get(s.module());
          TargetMasks once = round2.masks().byModule().get(s.module());
          TargetMasks twice = plan.masks().byModule().get(s.module());
          assertThat(dense.a().isDense()).isTrue();
          long n = dense.a().numel();
          long afterOne = n - Math.round(0.25 * n);
          assertThat((long) once.a().kept().length).isEqualTo(afterOne);
          assertThat((long) twice.a().kept().length)
              .isEqualTo(afterOne - Math.round(0.25 * afterOne));
          // Pruning only removes: round 2's survivors are a subset of round 1's.
          assertThat(once.a().kept()).contains(twice.a().kept());
        }
      }
      assertThat(Files.readString(dir.resolve("imp/round-2/metrics.json")))
          .contains("\"accuracy\"");
      assertThat(plan.parameters()).containsEntry("rounds", 2).containsEntry("scope", "per-matrix");
    }
  }

  @Test
  void globalScopePrunesTheFractionOverAllAdaptersAtOnce() throws Exception {
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 16, 2);
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      MaskPlan plan =
          Imp.plan(
              MODEL,
              SITES,
              LORA,
              Pooling.MEAN,
              data,
              null,
              tok,
              TRAIN,
              imp(1, 0.5, true, 0),
              dir.resolve("g"),
              () -> false);
      long total = plan.denseLoraParams();
      assertThat((double) plan.adapterParams())
          .isCloseTo(total * 0.5, org.assertj.core.data.Offset.offset(total * 0.01));
      long perMatrixCounts =
          plan.masks().byModule().values().stream()
              .map(t -> t.a().kept().length)
              .distinct()
              .count();
      assertThat(perMatrixCounts).isGreaterThan(1); // a global threshold prunes matrices unevenly
    }
  }

  @Test
  void survivorsRewindToExactlyTheirInitialValues() {
    AdapterMasks pruned = AdapterMasks.uniform(SITES, 4, 0.3, 5);
    try (NDManager m = NDManager.newBaseManager();
        AdaptedModel dense =
            new AdaptedModel(
                MODEL,
                LORA,
                SITES,
                AdapterMasks.dense(SITES, 4),
                2,
                Pooling.MEAN,
                SparseLrScaling.NONE,
                7,
                m);
        AdaptedModel sparse =
            new AdaptedModel(
                MODEL, LORA, SITES, pruned, 2, Pooling.MEAN, SparseLrScaling.NONE, 7, m)) {
      for (TargetSite s : SITES) {
        LoraLayer d = dense.layers().get(s.module());
        LoraLayer p = sparse.layers().get(s.module());
        float[] all = d.a().denseValues();
        float[] kept = p.a().denseValues();
        for (long k : p.a().mask().kept()) {
          assertThat(kept[(int) k]).isEqualTo(all[(int) k]);
        }
      }
    }
  }

  @Test
  void rewindToALaterStepRunsAndBadParametersAreRejected() throws Exception {
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 16, 3);
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      MaskPlan plan =
          Imp.plan(
              MODEL,
              SITES,
              LORA,
              Pooling.MEAN,
              data,
              null,
              tok,
              TRAIN,
              imp(2, 0.2, false, 1),
              dir.resolve("k"),
              () -> false);
      assertThat(plan.parameters()).containsEntry("rewind_step", 1);
    }
    assertThatThrownBy(() -> imp(0, 0.2, false, 0))
        .hasMessage("strategy.rounds must be in [1, 20], got 0");
    assertThatThrownBy(() -> imp(2, 1.0, false, 0))
        .hasMessage("strategy.prune must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> imp(2, 0.2, false, -1))
        .hasMessage("strategy.rewindStep must be >= 0, got -1");
  }

  private static StrategyConfig imp(int rounds, double prune, boolean global, int rewindStep) {
    return StrategyConfig.builder("imp")
        .rounds(rounds)
        .prune(prune)
        .globalPrune(global)
        .rewindStep(rewindStep)
        .build();
  }

  @Test
  void aStopRequestEndsImpWithoutAPlan() throws Exception {
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 16, 4);
    int[] checks = {0};
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      assertThatThrownBy(
              () ->
                  Imp.plan(
                      MODEL,
                      SITES,
                      LORA,
                      Pooling.MEAN,
                      data,
                      null,
                      tok,
                      TRAIN,
                      imp(3, 0.5, false, 0),
                      dir.resolve("stopped"),
                      () -> ++checks[0] > 3))
          .isInstanceOf(dev.plora.engine.train.TrainingStopped.class)
          .hasMessage("IMP stopped during round 2 of 3"); // round 1 takes two steps, checks 1 and 2
    }
    assertThat(Files.exists(dir.resolve("stopped/plan.json"))).isFalse();
  }
}
