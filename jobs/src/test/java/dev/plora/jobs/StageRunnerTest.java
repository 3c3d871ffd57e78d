package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.train.TrainingException;
import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {
  @TempDir Path dir;

  @Test
  void aCancelledJobsTaskAnswersCancelledWithoutRunning() {
    ArtifactStore store = new ArtifactStore(dir, false);
    Task task =
        Task.newBuilder()
            .setJobId("j")
            .setTrial(0)
            .setStage(Stage.STAGE_DISCOVER)
            .setAttempt(2)
            .setSpec(JobSpecs.withDefaults(JobSpec.getDefaultInstance()))
            .build();
    Outcome o = new StageRunner(store, "w").run(task, p -> {}, () -> true, () -> false);
    assertThat(o.getOk()).isFalse();
    assertThat(o.getError()).isEqualTo(StageRunner.CANCELLED);
    assertThat(o.getAttempt()).isEqualTo(2);
    assertThat(Files.exists(store.trialDir("j", 0))).isFalse();
  }

  @Test
  void aFailureOfTheJobsOwnMakingIsNotTransientAndNamesTheCause() {
    ArtifactStore store = new ArtifactStore(dir, false);
    JobSpec spec =
        JobSpecs.withDefaults(
            JobSpec.newBuilder()
                .setDataset(DatasetSpec.newBuilder().setTrainUri("uploads/missing.jsonl"))
                .build());
    Task task =
        Task.newBuilder()
            .setJobId("j")
            .setTrial(0)
            .setStage(Stage.STAGE_DISCOVER)
            .setAttempt(1)
            .setSpec(spec)
            .setSeed(1)
            .build();
    Outcome o = new StageRunner(store, "w").run(task, p -> {}, () -> false, () -> false);
    assertThat(o.getOk()).isFalse();
    assertThat(o.getTransient()).isFalse();
    assertThat(o.getError()).contains("missing.jsonl");
  }

  @Test
  void ioErrorsAndRunningOutOfMemoryMayNotRecurButBadInputsAndBugsWill() {
    assertThat(StageRunner.isTransient(new OutOfMemoryError("Java heap space"))).isTrue();
    assertThat(
            StageRunner.isTransient(
                new UncheckedIOException(new IOException("No space left on device"))))
        .isTrue();
    assertThat(StageRunner.isTransient(new RuntimeException("something unexpected"))).isTrue();
    assertThat(StageRunner.isTransient(new ConfigException("training.maxLength", "must be >= 2")))
        .isFalse();
    assertThat(StageRunner.isTransient(new TrainingException("the loss is NaN at step 3")))
        .isFalse();
    assertThat(StageRunner.isTransient(new StackOverflowError())).isFalse();
  }
}
