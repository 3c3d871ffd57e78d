package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSpecsTest {
  @TempDir Path dir;
  ArtifactStore store;

  @BeforeEach
  void store() throws Exception {
    store = new ArtifactStore(dir, false);
    Files.createDirectories(dir.resolve("uploads"));
    Files.writeString(dir.resolve("uploads/train.jsonl"), "{\"text\":\"a\",\"label\":\"x\"}\n");
  }

  private JobSpec valid() {
    return JobSpecs.withDefaults(
        JobSpec.newBuilder()
            .setDataset(DatasetSpec.newBuilder().setTrainUri("uploads/train.jsonl"))
            .build());
  }

  @Test
  void absentFieldsTakeTheEnginesDefaults() {
    JobSpec s = valid();
    assertThat(s.getModel().getModelUri()).isEqualTo("default");
    assertThat(s.getLora().getRank()).isEqualTo(8);
    assertThat(s.getLora().getAlpha()).isEqualTo(16.0);
    assertThat(s.getLora().getTargetsList()).containsExactly("query", "key", "value", "dense");
    assertThat(s.getStrategy().getKind()).isEqualTo("partial-lora");
    assertThat(s.getStrategy().getTau()).isEqualTo(0.9);
    assertThat(s.getTraining().getEpochs()).isEqualTo(3);
    assertThat(s.getTraining().getMaxLength()).isEqualTo(128);
    assertThat(s.getTrials().getSeedsList()).containsExactly(42L);
    assertThat(s.getTraining().getCheckpointEvery()).isEqualTo(JobSpecs.MESH_CHECKPOINT_EVERY);
    assertThat(s.getStrategy().getSparseLrScaling()).isEqualTo("inverse-density");
    assertThat(s.getExportFormatsList()).containsExactly("onnx-merged");
    JobSpecs.validate(s, store);
  }

  @Test
  void everyOutOfRangeFieldIsNamed() {
    List<Object[]> cases =
        List.of(
            bad(b -> b.setLora(b.getLora().toBuilder().setRank(-1)), "lora.rank"),
            bad(b -> b.setLora(b.getLora().toBuilder().setDropout(1.0)), "lora.dropout"),
            bad(b -> b.setStrategy(b.getStrategy().toBuilder().setKind("magic")), "strategy.kind"),
            bad(b -> b.setStrategy(b.getStrategy().toBuilder().setTau(1.5)), "strategy.tau"),
            bad(
                b -> b.setStrategy(b.getStrategy().toBuilder().setFewShot(-2)),
                "strategy.few_shot"),
            bad(
                b -> b.setStrategy(b.getStrategy().toBuilder().setDensity(1.5)),
                "strategy.density"),
            bad(
                b -> b.setStrategy(b.getStrategy().toBuilder().setPruneFraction(1.0)),
                "strategy.prune_fraction"),
            bad(
                b -> b.setStrategy(b.getStrategy().toBuilder().setKind("uniform").setDensity(0)),
                "strategy.density"),
            bad(
                b ->
                    b.setStrategy(b.getStrategy().toBuilder().setKind("uniform"))
                        .setTrials(b.getTrials().toBuilder().addDensities(-0.1)),
                "trials.densities[0]"),
            bad(b -> b.setTrials(b.getTrials().toBuilder().addDensities(0.5)), "trials.densities"),
            bad(b -> b.setTraining(b.getTraining().toBuilder().setEpochs(-1)), "training.epochs"),
            bad(
                b -> b.setTraining(b.getTraining().toBuilder().setLearningRate(-2)),
                "training.learning_rate"),
            // Explicit zeros are values, not "the default": each is checked and refused where 0 is
            // out of range.
            bad(b -> b.setLora(b.getLora().toBuilder().setRank(0)), "lora.rank"),
            bad(b -> b.setLora(b.getLora().toBuilder().setAlpha(0)), "lora.alpha"),
            bad(
                b -> b.setTraining(b.getTraining().toBuilder().setMaxLength(0)),
                "training.max_length"),
            bad(b -> b.setTraining(b.getTraining().toBuilder().setEpochs(0)), "training.epochs"),
            bad(
                b -> b.setTraining(b.getTraining().toBuilder().setBatchSize(0)),
                "training.batch_size"),
            bad(b -> b.setStrategy(b.getStrategy().toBuilder().setTau(0)), "strategy.tau"),
            bad(
                b -> b.setStrategy(b.getStrategy().toBuilder().setSparseLrScaling("sometimes")),
                "strategy.sparse_lr_scaling"),
            bad(
                b -> b.setTraining(b.getTraining().toBuilder().setCheckpointEvery(-5)),
                "training.checkpoint_every"),
            bad(
                b -> b.setTraining(b.getTraining().toBuilder().setDevice("tpu")),
                "training.device"),
            bad(b -> b.clearExportFormats().addExportFormats("gguf"), "export_formats[0]"),
            // In range for the engine, but longer than the default model's 512 positions: refused
            // at submit.
            bad(
                b -> b.setTraining(b.getTraining().toBuilder().setMaxLength(1000)),
                "training.max_length"),
            bad(b -> b.setDataset(b.getDataset().toBuilder().setTrainUri("")), "dataset.train_uri"),
            bad(
                b -> b.setDataset(b.getDataset().toBuilder().setTrainUri("uploads/missing.jsonl")),
                "dataset.train_uri"),
            bad(
                b -> b.setDataset(b.getDataset().toBuilder().setEvalUri("../eval.jsonl")),
                "dataset.eval_uri"),
            bad(
                b ->
                    b.setModel(
                        b.getModel().toBuilder()
                            .setModelUri(dir.resolve("model.onnx").toUri().toString())),
                "model.model_uri"));
    for (Object[] c : cases) {
      assertThatThrownBy(() -> JobSpecs.validate(JobSpecs.withDefaults((JobSpec) c[0]), store))
          .as((String) c[1])
          .isInstanceOf(InvalidSpecException.class)
          .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo(c[1]));
    }
  }

  /** The change applied to a minimal spec before defaults, as a user would write it. */
  private Object[] bad(UnaryOperator<JobSpec.Builder> change, String field) {
    JobSpec minimal =
        JobSpec.newBuilder()
            .setDataset(DatasetSpec.newBuilder().setTrainUri("uploads/train.jsonl"))
            .build();
    return new Object[] {change.apply(minimal.toBuilder()).build(), field};
  }

  @Test
  void anAbsentFieldAndAnExplicitZeroDiffer() {
    JobSpec absent =
        JobSpecs.withDefaults(
            JobSpec.newBuilder()
                .setDataset(DatasetSpec.newBuilder().setTrainUri("uploads/train.jsonl"))
                .build());
    assertThat(absent.getTraining().getMaxLength()).isEqualTo(128);
    JobSpec zero =
        JobSpecs.withDefaults(
            absent.toBuilder()
                .setTraining(absent.getTraining().toBuilder().setMaxLength(0))
                .build());
    assertThat(zero.getTraining().getMaxLength()).isZero();
    assertThatThrownBy(() -> JobSpecs.validate(zero, store))
        .hasMessage("training.max_length: must be in [2, 8192], got 0");
  }
}
