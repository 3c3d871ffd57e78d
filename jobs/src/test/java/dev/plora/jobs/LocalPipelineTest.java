package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.Task;
import dev.plora.proto.v1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plora run's pipeline: the mesh's state machine and stage runner in one process, on a tiny model.
 */
class LocalPipelineTest {
  @TempDir Path dir;

  static JobSpec tinySpec(String strategy) {
    return TinyJob.spec("uploads/tiny", strategy)
        .setTraining(
            TrainingSpec.newBuilder()
                .setEpochs(2)
                .setBatchSize(8)
                .setMaxLength(16)
                .setCheckpointEvery(2))
        .addExportFormats("onnx-merged")
        .addExportFormats("peft")
        .build();
  }

  @Test
  void aPartialLoraJobRunsToAnExportThatOnnxRuntimeRuns() throws Exception {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    TinyJob.write(store.root().resolve("uploads/tiny"), 32);
    List<JobState> states = new ArrayList<>();
    List<Progress> progress = new ArrayList<>();
    JobStatus end =
        new LocalPipeline(store)
            .run(
                "run-1",
                tinySpec("partial-lora"),
                s -> states.add(s.getState()),
                progress::add,
                () -> false);

    assertThat(end.getState()).as(end.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(states)
        .containsSubsequence(
            JobState.JOB_STATE_DISCOVERING,
            JobState.JOB_STATE_TRAINING,
            JobState.JOB_STATE_EVALUATING,
            JobState.JOB_STATE_EXPORTING,
            JobState.JOB_STATE_SUCCEEDED);
    assertThat(progress).isNotEmpty().last().satisfies(p -> assertThat(p.getStep()).isEqualTo(8));
    var m = end.getTrials(0).getMetrics();
    assertThat(m.getExamples()).isEqualTo(16);
    assertThat(m.getAdapterParams())
        .isPositive()
        .isLessThan(m.getDenseLoraParams()); // partial-lora is sparse
    assertThat(end.getExportsList()).hasSize(2);
    Path onnx = store.root().resolve(end.getExports(0).getUri());
    assertThat(end.getExports(0).getParityMaxDiff()).isLessThan(1e-4);
    float[] p = TinyJob.ortProbabilities(onnx);
    assertThat(p).hasSize(2);
    assertThat(p[0] + p[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    assertThat(
            Files.isRegularFile(
                store.root().resolve(end.getExports(1).getUri()).resolve("adapter_config.json")))
        .isTrue();
  }

  @Test
  void aRepeatedTrainTaskAnswersFromTheFinishedRunWithoutTrainingAgain() throws Exception {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    TinyJob.write(store.root().resolve("uploads/tiny"), 16);
    JobSpec spec =
        JobSpecs.withDefaults(
            tinySpec("uniform").toBuilder()
                .setStrategy(StrategySpec.newBuilder().setKind("uniform").setDensity(0.5))
                .build());
    StageRunner runner = new StageRunner(store, "test");
    Task discover =
        Task.newBuilder()
            .setJobId("j")
            .setTrial(0)
            .setStage(Stage.STAGE_DISCOVER)
            .setSpec(spec)
            .setSeed(1)
            .setDensity(0.5)
            .build();
    Outcome planned = runner.run(discover, p -> {}, () -> false);
    assertThat(planned.getOk()).as(planned.getError()).isTrue();
    Task train =
        discover.toBuilder().setStage(Stage.STAGE_TRAIN).setPlanUri(planned.getPlanUri()).build();
    Outcome first = runner.run(train, p -> {}, () -> false);
    assertThat(first.getOk()).as(first.getError()).isTrue();
    Path adapter = store.root().resolve(first.getRunUri()).resolve("adapter.safetensors");
    FileTime written = Files.getLastModifiedTime(adapter);
    List<Progress> again = new ArrayList<>();
    Outcome second = runner.run(train.toBuilder().setAttempt(1).build(), again::add, () -> false);
    assertThat(second.getRunUri()).isEqualTo(first.getRunUri());
    assertThat(again).isEmpty();
    assertThat(Files.getLastModifiedTime(adapter)).isEqualTo(written);
  }

  @Test
  void aStoppedTrainingResumesFromItsCheckpoint() throws Exception {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    TinyJob.write(store.root().resolve("uploads/tiny"), 32);
    JobSpec spec = JobSpecs.withDefaults(tinySpec("dense"));
    StageRunner runner = new StageRunner(store, "test");
    Task discover =
        Task.newBuilder()
            .setJobId("j")
            .setTrial(0)
            .setStage(Stage.STAGE_DISCOVER)
            .setSpec(spec)
            .setSeed(1)
            .build();
    Task train =
        discover.toBuilder()
            .setStage(Stage.STAGE_TRAIN)
            .setPlanUri(runner.run(discover, p -> {}, () -> false).getPlanUri())
            .build();
    List<Progress> first = new ArrayList<>();
    Outcome stopped = runner.run(train, first::add, () -> first.size() >= 5);
    assertThat(stopped.getOk()).isFalse();
    assertThat(stopped.getError()).isEqualTo("cancelled");
    List<Progress> resumed = new ArrayList<>();
    Outcome done = runner.run(train.toBuilder().setAttempt(1).build(), resumed::add, () -> false);
    assertThat(done.getOk()).as(done.getError()).isTrue();
    // checkpoints every 2 steps: the second attempt starts after the last one, not at step 1
    assertThat(resumed.get(0).getStep()).isGreaterThan(1);
    assertThat(resumed.get(resumed.size() - 1).getStep()).isEqualTo(8);
  }

  @Test
  void anEngineErrorFailsTheJobWithAReasonTheUserCanActOn() throws Exception {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    TinyJob.write(store.root().resolve("uploads/tiny"), 16);
    JobSpec spec =
        tinySpec("partial-lora").toBuilder()
            .setStrategy(StrategySpec.newBuilder().setKind("partial-lora").setFewShot(50))
            .build();
    JobStatus end = new LocalPipeline(store).run("r", spec, s -> {}, p -> {}, () -> false);
    assertThat(end.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(end.getReason()).startsWith("trial 0 (seed 42) failed at discover: ").contains("50");
  }

  @Test
  void anInvalidSpecRunsNothing() {
    ArtifactStore store = new ArtifactStore(dir.resolve("store"), false);
    assertThatThrownBy(
            () ->
                new LocalPipeline(store).run("r", tinySpec("dense"), s -> {}, p -> {}, () -> false))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("model.model_uri");
    assertThat(Files.exists(store.root().resolve("jobs"))).isFalse();
  }
}
