package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrialsSpec;
import org.junit.jupiter.api.Test;

/** Attempts: re-issues, stale outcomes, transient failures, and the limit that ends every job. */
class JobMachineAttemptsTest {
  private static final JobSpec SPEC =
      JobSpecs.withDefaults(
          JobSpec.newBuilder()
              .setDataset(DatasetSpec.newBuilder().setTrainUri("t.jsonl"))
              .setStrategy(StrategySpec.newBuilder().setKind("dense"))
              .setTrials(TrialsSpec.newBuilder().addSeeds(1).addSeeds(2))
              .build());

  private static Outcome outcome(
      int trial, Stage stage, int attempt, boolean ok, boolean transientFailure) {
    return Outcome.newBuilder()
        .setJobId("j")
        .setTrial(trial)
        .setStage(stage)
        .setAttempt(attempt)
        .setOk(ok)
        .setTransient(transientFailure)
        .setError(ok ? "" : "disk full")
        .setPlanUri("jobs/j/trial-" + trial + "/plan")
        .build();
  }

  @Test
  void everyDispatchedTaskCarriesItsAttempt() {
    JobMachine.Step s = JobMachine.start("j", SPEC, 1);
    assertThat(s.tasks()).allSatisfy(t -> assertThat(t.getAttempt()).isEqualTo(1));
    assertThat(JobMachine.inFlight(s.status()))
        .containsExactly(
            new JobMachine.InFlight(0, Stage.STAGE_DISCOVER, 1),
            new JobMachine.InFlight(1, Stage.STAGE_DISCOVER, 1));
  }

  @Test
  void aReissueIncrementsTheAttemptAndMakesOlderOutcomesStale() {
    JobStatus s = JobMachine.start("j", SPEC, 1).status();
    JobMachine.Step again = JobMachine.reissue(s, 0, Stage.STAGE_DISCOVER, "silent", 3, 2);
    assertThat(again.tasks())
        .singleElement()
        .satisfies(t -> assertThat(t.getAttempt()).isEqualTo(2));
    assertThat(again.status().getTrials(0).getAttempt()).isEqualTo(2);
    assertThat(again.status().getTrials(0).getLastError()).isEqualTo("silent");

    // The first attempt answers late: ignored. The second's answer moves the trial on, attempt back
    // to 1.
    assertThat(
            JobMachine.apply(again.status(), outcome(0, Stage.STAGE_DISCOVER, 1, true, false), 3)
                .changed())
        .isFalse();
    JobMachine.Step next =
        JobMachine.apply(again.status(), outcome(0, Stage.STAGE_DISCOVER, 2, true, false), 3);
    assertThat(next.status().getTrials(0).getDone()).isEqualTo(Stage.STAGE_DISCOVER);
    assertThat(next.status().getTrials(0).getAttempt()).isEqualTo(1);
    assertThat(next.tasks())
        .singleElement()
        .satisfies(t -> assertThat(t.getAttempt()).isEqualTo(1));
  }

  @Test
  void aTransientFailureIsRetriedUntilTheLimitThenFailsTheJobNamingIt() {
    JobStatus s = JobMachine.start("j", SPEC, 1).status();
    for (int attempt = 1; attempt <= 2; attempt++) {
      JobMachine.Step step =
          JobMachine.apply(s, outcome(1, Stage.STAGE_DISCOVER, attempt, false, true), 2, 3);
      assertThat(step.status().getState()).isEqualTo(JobState.JOB_STATE_DISCOVERING);
      assertThat(step.tasks())
          .singleElement()
          .satisfies(t -> assertThat(t.getTrial()).isEqualTo(1));
      s = step.status();
    }
    JobMachine.Step last =
        JobMachine.apply(s, outcome(1, Stage.STAGE_DISCOVER, 3, false, true), 4, 3);
    assertThat(last.status().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(last.status().getReason())
        .isEqualTo(
            "trial 1 (seed 2) failed at discover: gave up after 3 attempts; the last: disk full");
    assertThat(last.tasks()).isEmpty();
  }

  @Test
  void aPermanentFailureFailsAtOnce() {
    JobStatus s = JobMachine.start("j", SPEC, 1).status();
    JobMachine.Step step =
        JobMachine.apply(s, outcome(0, Stage.STAGE_DISCOVER, 1, false, false), 2, 3);
    assertThat(step.status().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(step.status().getReason())
        .isEqualTo("trial 0 (seed 1) failed at discover: disk full");
  }

  @Test
  void reissueOrGiveUpForAStageTheTrialLeftChangesNothing() {
    JobStatus s = JobMachine.start("j", SPEC, 1).status();
    assertThat(JobMachine.reissue(s, 0, Stage.STAGE_TRAIN, "silent", 3, 2).changed()).isFalse();
    assertThat(JobMachine.giveUp(s, 0, Stage.STAGE_EXPORT, "never", 2).changed()).isFalse();
    JobMachine.Step gaveUp =
        JobMachine.giveUp(s, 1, Stage.STAGE_DISCOVER, "no discover worker started the task", 2);
    assertThat(gaveUp.status().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(gaveUp.status().getReason())
        .endsWith("failed at discover: no discover worker started the task");
    JobStatus cancelled = JobMachine.cancel(s, 2).status();
    assertThat(JobMachine.inFlight(cancelled)).isEmpty();
    assertThat(JobMachine.reissue(cancelled, 0, Stage.STAGE_DISCOVER, "x", 3, 3).changed())
        .isFalse();
  }

  @Test
  void recordsWithoutAttemptsCountAsTheFirst() {
    JobStatus old =
        JobMachine.start("j", SPEC, 1).status().toBuilder()
            .setTrials(
                0, JobMachine.start("j", SPEC, 1).status().getTrials(0).toBuilder().clearAttempt())
            .build();
    assertThat(JobMachine.apply(old, outcome(0, Stage.STAGE_DISCOVER, 0, true, false), 2).changed())
        .isTrue();
  }
}
