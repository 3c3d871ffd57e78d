package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.StrategySpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StageDeadlinesTest {
  private static final JobSpec SPEC =
      JobSpecs.withDefaults(
          JobSpec.newBuilder()
              .setDataset(DatasetSpec.newBuilder().setTrainUri("t.jsonl"))
              .setStrategy(StrategySpec.newBuilder().setKind("dense"))
              .build());

  private final StageDeadlines deadlines =
      new StageDeadlines(Duration.ofSeconds(10), Duration.ofSeconds(100));

  private static Progress beat(Stage stage, int attempt) {
    return Progress.newBuilder()
        .setJobId("j")
        .setTrial(0)
        .setStage(stage)
        .setAttempt(attempt)
        .setHeartbeat(true)
        .build();
  }

  @Test
  void aQueuedTaskMayWaitForTheQueueTimeoutThenTheJobGivesUp() {
    JobStatus s = JobMachine.start("j", SPEC, 0).status();
    deadlines.sync(s, 0);
    assertThat(deadlines.expired(50_000))
        .isEmpty(); // queued 50 s: fine (a running task would be silent)
    assertThat(deadlines.expired(100_001))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.neverStarted()).isTrue();
              assertThat(e.why()).contains("no discover worker started the task");
            });
  }

  @Test
  void aRunningTaskSilentForTheSilenceTimeoutIsPresumedLost() {
    JobStatus s = JobMachine.start("j", SPEC, 0).status();
    deadlines.sync(s, 0);
    deadlines.sign(beat(Stage.STAGE_DISCOVER, 1), 1_000);
    deadlines.sign(beat(Stage.STAGE_DISCOVER, 1), 9_000);
    assertThat(deadlines.expired(18_000)).isEmpty(); // 9 s since the last heartbeat
    assertThat(deadlines.expired(19_001))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.neverStarted()).isFalse();
              assertThat(e.attempt()).isEqualTo(1);
              assertThat(e.why()).startsWith("attempt 1 gave no sign of life for 10 s");
            });
  }

  @Test
  void signsOfAnOlderAttemptDoNotKeepTheNewOneAlive() {
    JobStatus s = JobMachine.start("j", SPEC, 0).status();
    JobStatus reissued = JobMachine.reissue(s, 0, Stage.STAGE_DISCOVER, "lost", 3, 1).status();
    deadlines.sync(reissued, 1_000);
    deadlines.sign(beat(Stage.STAGE_DISCOVER, 1), 2_000);
    assertThat(deadlines.expired(200_000))
        .singleElement()
        .satisfies(e -> assertThat(e.neverStarted()).isTrue());
  }

  @Test
  void aFinishedStageIsForgottenAndTheNextIsWatched() {
    JobStatus s = JobMachine.start("j", SPEC, 0).status();
    deadlines.sync(s, 0);
    JobStatus trained =
        JobMachine.apply(
                s,
                Outcome.newBuilder()
                    .setJobId("j")
                    .setTrial(0)
                    .setStage(Stage.STAGE_DISCOVER)
                    .setAttempt(1)
                    .setOk(true)
                    .setPlanUri("p")
                    .build(),
                5)
            .status();
    deadlines.sync(trained, 5);
    assertThat(deadlines.watched("j"))
        .containsExactly(new StageDeadlines.Key("j", 0, Stage.STAGE_TRAIN));
    deadlines.sync(JobMachine.cancel(trained, 6).status(), 6);
    assertThat(deadlines.watched("j")).isEmpty();
  }

  @Test
  void afterAnOutageEveryClockStartsOver() {
    JobStatus s = JobMachine.start("j", SPEC, 0).status();
    deadlines.sync(s, 0);
    deadlines.sign(beat(Stage.STAGE_DISCOVER, 1), 1_000);
    deadlines.renewAll(60_000); // the broker was away for a minute
    assertThat(deadlines.expired(65_000)).isEmpty();
    assertThat(deadlines.expired(70_001)).hasSize(1);
  }
}
