package dev.plora.engine.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.TargetMasks;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.testing.TinyTask;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskDiscoveryTest {
  @TempDir Path dir;

  private static final OnnxModel MODEL = TinyTask.model(1);
  private static final List<TargetSite> SITES =
      TargetMatcher.select(TargetSites.find(MODEL), LoraConfig.DEFAULT_TARGETS);

  @Test
  void energyCriterionFindsKnownKForAKnownSpectrumAndInputs() {
    // W = diag(4, 3, 2, 1): u_i = e_i, σ = 4, 3, 2, 1. With G = I the energies are 16, 9, 4, 1 (of
    // 30).
    float[] w = {4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1};
    double[] identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    assertThat(TaskEnergy.of(w, 4, 4, identity, 0.5).k()).isEqualTo(1); // 16/30 = 0.533
    assertThat(TaskEnergy.of(w, 4, 4, identity, 0.8).k()).isEqualTo(2); // 25/30 = 0.833
    assertThat(TaskEnergy.of(w, 4, 4, identity, 0.9).k()).isEqualTo(3); // 29/30 = 0.967
    assertThat(TaskEnergy.of(w, 4, 4, identity, 1.0).k()).isEqualTo(4);
    assertThat(TaskEnergy.of(w, 4, 4, identity, 0.9).topShare()).isCloseTo(16.0 / 30, offset(1e-9));
    // Inputs that never use the first direction: energies 0, 9, 4, 1 (of 14); the largest weight
    // direction is irrelevant.
    double[] noFirst = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    assertThat(TaskEnergy.of(w, 4, 4, noFirst, 0.6).k()).isEqualTo(1); // 9/14 = 0.64
    assertThat(TaskEnergy.of(w, 4, 4, noFirst, 0.6).topShare()).isCloseTo(9.0 / 14, offset(1e-9));
  }

  @Test
  void energiesOfRandomWeightsAddUpToTheTaskOutputNormInBothOrientations() {
    // Σ_k e_k = ‖X W‖²_F = trace(Wᵀ G W) with G = XᵀX: computed here from X directly, not from G.
    java.util.Random rnd = new java.util.Random(11);
    for (int[] shape : new int[][] {{7, 19}, {19, 7}, {12, 12}}) {
      int in = shape[0];
      int out = shape[1];
      int n = 9;
      float[] w = new float[in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) rnd.nextGaussian();
      }
      double[] x = new double[n * in];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextGaussian();
      }
      double[] g = new double[in * in];
      for (int a = 0; a < in; a++) {
        for (int b = 0; b < in; b++) {
          for (int r = 0; r < n; r++) {
            g[a * in + b] += x[r * in + a] * x[r * in + b];
          }
        }
      }
      double outputNorm = 0;
      for (int r = 0; r < n; r++) {
        for (int o = 0; o < out; o++) {
          double y = 0;
          for (int i = 0; i < in; i++) {
            y += x[r * in + i] * w[i * out + o];
          }
          outputNorm += y * y;
        }
      }
      TaskEnergy.Result result = TaskEnergy.of(w, in, out, g, 1.0);
      assertThat(result.p()).isEqualTo(Math.min(in, out));
      assertThat(java.util.Arrays.stream(result.energies()).sum())
          .as("in %d out %d", in, out)
          .isCloseTo(outputNorm, org.assertj.core.data.Percentage.withPercentage(1e-8));
      assertThat(java.util.Arrays.stream(result.energies()).min().orElseThrow()).isGreaterThan(0);
    }
  }

  @Test
  void energyCriterionHandlesWeightsWiderThanTall() {
    // W [3, 2] = [[2, 0], [0, 1], [0, 0]]: σ = 2, 1 with u = e1, e2; G = diag(1, 4, 9): energies
    // 4·1, 1·4.
    float[] w = {2, 0, 0, 1, 0, 0};
    double[] g = {1, 0, 0, 0, 4, 0, 0, 0, 9};
    TaskEnergy.Result r = TaskEnergy.of(w, 3, 2, g, 0.9);
    assertThat(r.p()).isEqualTo(2);
    assertThat(r.k()).isEqualTo(2);
    assertThat(r.topShare()).isCloseTo(0.5, offset(1e-9));
    assertThat(r.density(0.125)).isEqualTo(1.0);
    assertThat(TaskEnergy.of(w, 3, 2, g, 0.5).density(0.125)).isEqualTo(0.5);
  }

  @Test
  void paddingTokensAreExcludedFromTheCapturedInputs() {
    Dataset twoTexts =
        new Dataset(
            Path.of("x"),
            List.of(
                new Example("good", null, "a", 1),
                new Example(
                    "the food was really quite excellent and the view lovely", null, "b", 2)));
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 32)) {
      Map<String, double[]> padded =
          ActivationGrams.capture(MODEL, SITES, twoTexts, tok, 2); // one padded batch
      Map<String, double[]> single =
          ActivationGrams.capture(MODEL, SITES, twoTexts, tok, 1); // no padding at all
      for (TargetSite s : SITES) {
        double[] a = padded.get(s.module());
        double[] b = single.get(s.module());
        for (int i = 0; i < a.length; i++) {
          assertThat(a[i])
              .as("%s[%d]", s.module(), i)
              .isCloseTo(b[i], offset(1e-3 * (1 + Math.abs(b[i]))));
        }
      }
    }
  }

  @Test
  void partialLoraKeepsRoundedDensityPerMatrixIsSeededAndRecordsWhatItDid() {
    Dataset data = TinyTask.dataset(dir, "train.jsonl", 40, 1);
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      MaskPlan a = PartialLora.plan(MODEL, SITES, 4, List.of(data), tok, 0.9, 4, 0.25, 7);
      MaskPlan b = PartialLora.plan(MODEL, SITES, 4, List.of(data), tok, 0.9, 4, 0.25, 7);
      MaskPlan c = PartialLora.plan(MODEL, SITES, 4, List.of(data), tok, 0.9, 4, 0.25, 8);
      assertThat(a.fewShotIndices()).hasSize(8);
      for (TargetPlan t : a.targets()) {
        TargetMasks m = a.masks().byModule().get(t.module());
        assertThat(t.density()).isBetween(0.25, 1.0);
        assertThat(t.density()).isCloseTo(Math.max(0.25, t.k() / (double) t.p()), offset(1e-12));
        assertThat(m.a().kept()).hasSize((int) Math.round(t.density() * m.a().numel()));
        assertThat(m.b().kept()).hasSize((int) Math.round(t.density() * m.b().numel()));
        assertThat(m.a().kept()).isEqualTo(b.masks().byModule().get(t.module()).a().kept());
      }
      assertThat(
              a.masks().byModule().values().stream()
                  .anyMatch(
                      m ->
                          m.density() < 1
                              && !java.util.Arrays.equals(
                                  m.a().kept(), c.masks().byModule().get(m.module()).a().kept())))
          .isTrue();
      assertThat(a.parameters()).containsEntry("tau", 0.9).containsEntry("few_shot", 4);
    }
  }

  @Test
  void multiTaskPlanTakesThePerTargetMaximumDensity() {
    Dataset one = TinyTask.dataset(dir, "one.jsonl", 20, 1);
    Dataset two = TinyTask.dataset(dir, "two.jsonl", 20, 2);
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      MaskPlan a = PartialLora.plan(MODEL, SITES, 4, List.of(one), tok, 0.8, 3, 0.25, 1);
      MaskPlan b = PartialLora.plan(MODEL, SITES, 4, List.of(two), tok, 0.8, 3, 0.25, 1);
      MaskPlan both = PartialLora.plan(MODEL, SITES, 4, List.of(one, two), tok, 0.8, 3, 0.25, 1);
      for (int i = 0; i < SITES.size(); i++) {
        assertThat(both.targets().get(i).density())
            .isEqualTo(Math.max(a.targets().get(i).density(), b.targets().get(i).density()));
      }
    }
  }

  @Test
  void shuffledKeepsPerTargetCountsAtOtherPositionsAndLowRankFitsTheBudget() {
    MaskPlan uniform = UniformStrategy.plan(SITES, 8, 0.3, 1);
    MaskPlan shuffled = ShuffledStrategy.shuffle(uniform, SITES, 2);
    for (TargetSite s : SITES) {
      TargetMasks u = uniform.masks().byModule().get(s.module());
      TargetMasks sh = shuffled.masks().byModule().get(s.module());
      assertThat(sh.a().kept()).hasSameSizeAs(u.a().kept());
      assertThat(sh.b().kept()).hasSameSizeAs(u.b().kept());
      assertThat(sh.a().kept()).isNotEqualTo(u.a().kept());
    }
    MaskPlan low = LowRankStrategy.lowRank(uniform, SITES);
    long perRank = SITES.stream().mapToLong(s -> s.in() + s.out()).sum();
    assertThat(low.adapterParams()).isEqualTo(low.rank() * perRank);
    assertThat(low.adapterParams()).isLessThanOrEqualTo(uniform.adapterParams());
    assertThat((low.rank() + 1) * perRank).isGreaterThan(uniform.adapterParams());
    assertThat(low.reduction()).isEqualTo(0.0); // dense at its own rank
  }

  @Test
  void planSurvivesSaveAndLoad() {
    MaskPlan plan = UniformStrategy.plan(SITES, 4, 0.5, 3);
    plan.save(dir.resolve("plan"));
    try (NDManager m = NDManager.newBaseManager()) {
      MaskPlan back = MaskPlan.load(dir.resolve("plan"), TargetSites.find(MODEL), m);
      assertThat(back.strategy()).isEqualTo("uniform");
      assertThat(back.rank()).isEqualTo(4);
      assertThat(back.targets()).isEqualTo(plan.targets());
      for (TargetSite s : SITES) {
        assertThat(back.masks().byModule().get(s.module()).a().kept())
            .isEqualTo(plan.masks().byModule().get(s.module()).a().kept());
        assertThat(back.masks().byModule().get(s.module()).b().kept())
            .isEqualTo(plan.masks().byModule().get(s.module()).b().kept());
      }
    }
    assertThat(MaskPlan.rankOf(dir.resolve("plan"))).isEqualTo(4);
  }

  @Test
  void badParametersAreRejectedClearly() {
    assertThatThrownBy(() -> StrategyConfig.builder("partial-lora").tau(0).build())
        .hasMessage("strategy.tau must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> StrategyConfig.builder("partial-lora").tau(1.5).build())
        .hasMessage("strategy.tau must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> StrategyConfig.builder("uniform").density(0.0).build())
        .hasMessage("strategy.density must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> StrategyConfig.builder("uniform").density(-0.5).build())
        .hasMessage("strategy.density must be in (0, 1], got -0.5");
    assertThatThrownBy(() -> Strategies.get("magic"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "strategy.name unknown strategy 'magic'; available: dense, uniform, partial-lora, imp, shuffled, low-rank");
    Dataset small = TinyTask.dataset(dir, "small.jsonl", 10, 1);
    try (TextTokenizer tok = TextTokenizer.load(DefaultModel.tokenizer(), 16)) {
      assertThatThrownBy(
              () -> PartialLora.plan(MODEL, SITES, 4, List.of(small), tok, 0.9, 6, 0.25, 1))
          .hasMessageContaining(
              "few-shot asks for 6 examples per label but label 'neg' has only 5");
    }
  }
}
