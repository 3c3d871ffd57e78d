package dev.plora.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.plora.engine.config.DataConfig;
import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.config.DiscoverConfig;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.config.StrategyConfig;
import dev.plora.engine.config.TrainingConfig;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.run.DiscoverRun;
import dev.plora.engine.run.TrainRun;
import dev.plora.engine.testing.TinyTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins what the engine's entry points produce for fixed seeds on a generated model: the bytes of
 * every strategy's plan and the loss of every training step. Values recorded before the
 * configuration refactor (issue 10); a change here is a change of behaviour, not of structure.
 */
class GoldenBehaviourTest {
  @TempDir static Path dir;
  static Path model;
  static Dataset train;

  @BeforeAll
  static void setUp() throws Exception {
    model = dir.resolve("model/model.onnx");
    TinyTask.model(3).save(model);
    Files.copy(DefaultModel.tokenizer(), dir.resolve("model/tokenizer.json"));
    train = TinyTask.dataset(dir, "train.jsonl", 32, 5);
  }

  /**
   * sha256 of masks.safetensors and of plan.json (with the temporary directory replaced), per
   * strategy.
   */
  static final Map<String, String> PLAN_HASHES = new LinkedHashMap<>();

  static {
    PLAN_HASHES.put("dense", "82ea4ca1e226ec9e c12c36548d575ae9");
    PLAN_HASHES.put("uniform", "ea44aaebe93a8b05 4ad41751130e2796");
    // Re-pinned when the graph optimiser fused layer norms, and when MKL took its AVX-512
    // kernels on AMD CPUs (MklCpuDispatch): masks byte-identical, plan.json's energies moved in
    // their last digits.
    PLAN_HASHES.put("partial-lora", "360db6df2ec786cd 56874132b147925d");
    PLAN_HASHES.put("shuffled", "90235d8616d8cded 40d293d271d6b398");
    PLAN_HASHES.put("low-rank", "45f90c90fa160800 d4b151d69e5f14c1");
    PLAN_HASHES.put("imp", "79b7d1c2a16b51ef e745efdabb72d10e");
  }

  static final double[] UNIFORM_LOSSES = {
    0.7092220783233643,
    0.7244247794151306,
    0.719048023223877,
    0.685571014881134,
    0.6880539059638977,
    0.6939840316772461,
    0.6985542178153992,
    0.6923974752426147
  };
  static final double[] PLAN_LOSSES = {
    0.7092220783233643,
    0.7231755256652832,
    0.7194629311561584,
    0.6859179735183716,
    0.6885578036308289,
    0.6941820383071899,
    0.6980666518211365,
    0.6927796006202698
  };

  @Test
  void everyStrategyWritesThePinnedPlanBytes() throws Exception {
    Map<String, String> actual = new LinkedHashMap<>();
    Path reference = dir.resolve("plans/partial-lora");
    for (String strategy : PLAN_HASHES.keySet()) {
      Path out = dir.resolve("plans").resolve(strategy);
      StrategyConfig.Builder s =
          StrategyConfig.builder(strategy).tau(0.9).fewShot(4).rounds(2).prune(0.5);
      if (strategy.equals("uniform")) {
        s.density(0.5);
      }
      if (strategy.equals("shuffled") || strategy.equals("low-rank")) {
        s.reference(reference);
      }
      DiscoverRun.execute(
          discover(s.build(), TrainingConfig.builder().epochs(1).batchSize(8).learningRate(1e-2)),
          out);
      actual.put(
          strategy,
          hash(Files.readAllBytes(out.resolve(MaskPlan.MASKS)))
              + " "
              + hash(
                  Files.readString(out.resolve(MaskPlan.PLAN))
                      .replace(dir.toString(), "<dir>")
                      .getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(actual).isEqualTo(PLAN_HASHES);
  }

  @Test
  void trainingLossesArePinnedForUniformMasksAndForAPlan() throws Exception {
    Path plan = dir.resolve("train-plan");
    DiscoverRun.execute(
        discover(
            StrategyConfig.builder("partial-lora").tau(0.9).fewShot(4).build(),
            TrainingConfig.builder()),
        plan);
    double[] uniform = losses(new MaskSource.Uniform(0.5, 13), dir.resolve("run-uniform"));
    double[] planned =
        losses(new MaskSource.File(plan.resolve(MaskPlan.MASKS)), dir.resolve("run-plan"));
    assertThat(uniform).containsExactly(UNIFORM_LOSSES, offset(1e-6));
    assertThat(planned).containsExactly(PLAN_LOSSES, offset(1e-6));
  }

  private static DiscoverConfig discover(StrategyConfig strategy, TrainingConfig.Builder training) {
    return new DiscoverConfig(
        new ModelConfig(model.toString(), null, Pooling.MEAN),
        DataConfig.of(train.source(), null),
        LoraConfig.builder().rank(4).alpha(8.0).build(),
        strategy,
        training.seed(11).maxLength(16).build());
  }

  private static double[] losses(MaskSource masks, Path out) {
    RunConfig c =
        new RunConfig(
            new ModelConfig(model.toString(), null, Pooling.MEAN),
            DataConfig.of(train.source(), null),
            LoraConfig.builder().rank(4).alpha(8.0).dropout(0.1).build(),
            masks,
            TrainingConfig.builder()
                .epochs(2)
                .batchSize(8)
                .learningRate(1e-2)
                .warmupRatio(0.1)
                .seed(13)
                .maxLength(16)
                .device(DeviceChoice.CPU)
                .build(),
            null);
    return TrainRun.execute(c, out, false, p -> {}, () -> false).training().losses().stream()
        .mapToDouble(Double::doubleValue)
        .toArray();
  }

  private static String hash(byte[] bytes) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
        .substring(0, 16);
  }
}
