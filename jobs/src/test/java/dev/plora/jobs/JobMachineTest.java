package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.Task;
import dev.plora.proto.v1.TrialMetrics;
import dev.plora.proto.v1.TrialsSpec;
import org.junit.jupiter.api.Test;

class JobMachineTest {
  private static final JobSpec SPEC =
      JobSpecs.withDefaults(
          JobSpec.newBuilder()
              .setDataset(DatasetSpec.newBuilder().setTrainUri("t.jsonl"))
              .setStrategy(StrategySpec.newBuilder().setKind("uniform"))
              .setTrials(TrialsSpec.newBuilder().addSeeds(1).addSeeds(2).addDensities(0.5))
              .build());

  private static Outcome ok(int trial, Stage stage) {
    Outcome.Builder o =
        Outcome.newBuilder().setJobId("j").setTrial(trial).setStage(stage).setOk(true);
    switch (stage) {
      case STAGE_DISCOVER -> o.setPlanUri("jobs/j/trial-" + trial + "/plan");
      case STAGE_TRAIN -> o.setRunUri("jobs/j/trial-" + trial + "/run");
      case STAGE_EVALUATE ->
          o.setMetrics(
              TrialMetrics.newBuilder()
                  .setAccuracy(trial == 1 ? 0.9 : 0.8)
                  .setTrainableParams(100));
      case STAGE_EXPORT ->
          o.addExports(
              ExportArtifact.newBuilder()
                  .setFormat("onnx-merged")
                  .setUri("jobs/j/exports/model.onnx"));
      default -> {}
    }
    return o.build();
  }

  @Test
  void aJobWalksEveryTrialThroughTheStagesAndExportsTheBest() {
    JobMachine.Step s = JobMachine.start("j", SPEC, 1);
    assertThat(s.status().getTrialsCount()).isEqualTo(2);
    assertThat(s.tasks())
        .extracting(Task::getStage)
        .containsExactly(Stage.STAGE_DISCOVER, Stage.STAGE_DISCOVER);
    assertThat(s.tasks()).extracting(Task::getSeed).containsExactly(1L, 2L);
    assertThat(s.tasks()).extracting(Task::getDensity).containsExactly(0.5, 0.5);

    s = JobMachine.apply(s.status(), ok(0, Stage.STAGE_DISCOVER), 2);
    assertThat(s.tasks())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getStage()).isEqualTo(Stage.STAGE_TRAIN);
              assertThat(t.getPlanUri()).isEqualTo("jobs/j/trial-0/plan");
            });
    assertThat(s.status().getState())
        .isEqualTo(JobState.JOB_STATE_DISCOVERING); // trial 1 is still discovering
    s = JobMachine.apply(s.status(), ok(1, Stage.STAGE_DISCOVER), 3);
    assertThat(s.status().getState()).isEqualTo(JobState.JOB_STATE_TRAINING);
    for (int trial = 0; trial < 2; trial++) {
      s = JobMachine.apply(s.status(), ok(trial, Stage.STAGE_TRAIN), 4);
      assertThat(s.tasks())
          .singleElement()
          .extracting(Task::getRunUri)
          .isEqualTo("jobs/j/trial-" + trial + "/run");
    }
    s = JobMachine.apply(s.status(), ok(0, Stage.STAGE_EVALUATE), 5);
    assertThat(s.tasks()).isEmpty(); // waits for every trial
    s = JobMachine.apply(s.status(), ok(1, Stage.STAGE_EVALUATE), 6);
    assertThat(s.status().getBestTrial()).isEqualTo(1);
    assertThat(s.tasks())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getStage()).isEqualTo(Stage.STAGE_EXPORT);
              assertThat(t.getTrial()).isEqualTo(1);
            });
    assertThat(s.status().getState()).isEqualTo(JobState.JOB_STATE_EXPORTING);
    s = JobMachine.apply(s.status(), ok(1, Stage.STAGE_EXPORT), 7);
    assertThat(s.status().getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(s.status().getExportsList())
        .extracting(ExportArtifact::getUri)
        .containsExactly("jobs/j/exports/model.onnx");
    assertThat(s.status().getUpdatedMs()).isEqualTo(7);
  }

  @Test
  void duplicateLateAndOutOfOrderOutcomesChangeNothing() {
    JobMachine.Step s = JobMachine.start("j", SPEC, 1);
    JobMachine.Step after = JobMachine.apply(s.status(), ok(0, Stage.STAGE_DISCOVER), 2);
    JobMachine.Step again = JobMachine.apply(after.status(), ok(0, Stage.STAGE_DISCOVER), 3);
    assertThat(again.changed()).isFalse();
    assertThat(again.tasks()).isEmpty();
    assertThat(again.status()).isEqualTo(after.status());
    assertThat(JobMachine.apply(after.status(), ok(1, Stage.STAGE_TRAIN), 3).changed())
        .isFalse(); // trial 1 not discovered
    assertThat(JobMachine.apply(after.status(), ok(7, Stage.STAGE_DISCOVER), 3).changed())
        .isFalse(); // no such trial
  }

  @Test
  void aFailedStageFailsTheJobWithItsReasonAndLaterOutcomesAreIgnored() {
    JobMachine.Step s = JobMachine.start("j", SPEC, 1);
    Outcome failed =
        Outcome.newBuilder()
            .setJobId("j")
            .setTrial(1)
            .setStage(Stage.STAGE_DISCOVER)
            .setOk(false)
            .setError("label 'spam' has 3 examples; few-shot needs 16")
            .build();
    s = JobMachine.apply(s.status(), failed, 2);
    assertThat(s.status().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(s.status().getReason())
        .isEqualTo(
            "trial 1 (seed 2) failed at discover: label 'spam' has 3 examples; few-shot needs 16");
    assertThat(JobMachine.apply(s.status(), ok(0, Stage.STAGE_DISCOVER), 3).changed()).isFalse();
  }

  @Test
  void cancelEndsARunningJobOnlyOnce() {
    JobMachine.Step s = JobMachine.cancel(JobMachine.start("j", SPEC, 1).status(), 2);
    assertThat(s.status().getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(JobMachine.cancel(s.status(), 3).changed()).isFalse();
    assertThat(JobMachine.apply(s.status(), ok(0, Stage.STAGE_DISCOVER), 3).changed()).isFalse();
  }

  @Test
  void tiesGoToFewerTrainableParameters() {
    TrialMetrics big = TrialMetrics.newBuilder().setAccuracy(0.9).setTrainableParams(200).build();
    TrialMetrics small = TrialMetrics.newBuilder().setAccuracy(0.9).setTrainableParams(100).build();
    var trials = JobMachine.start("j", SPEC, 1).status().getTrialsList();
    var a = trials.get(0).toBuilder().setMetrics(big).build();
    var b = trials.get(1).toBuilder().setMetrics(small).build();
    assertThat(JobMachine.best(java.util.List.of(a, b)).getIndex()).isEqualTo(1);
  }
}
