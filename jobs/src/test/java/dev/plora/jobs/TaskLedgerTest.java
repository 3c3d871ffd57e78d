package dev.plora.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskLedgerTest {
  @TempDir Path dir;

  private static Task task(int attempt) {
    return Task.newBuilder()
        .setJobId("j")
        .setTrial(0)
        .setStage(Stage.STAGE_TRAIN)
        .setAttempt(attempt)
        .build();
  }

  @Test
  void startsCountUntilTheStageFinishes() {
    TaskLedger ledger = new TaskLedger(new ArtifactStore(dir, false));
    assertThat(ledger.started(task(1), "w-1")).isEqualTo(1);
    assertThat(ledger.started(task(1), "w-2")).isEqualTo(2);
    assertThat(ledger.started(task(2), "w-1"))
        .isEqualTo(3); // across attempts: a crash loop is a crash loop
    ledger.finished(task(2));
    assertThat(ledger.started(task(3), "w-1")).isEqualTo(1);
  }

  @Test
  void aNewerRunTakesTheLeaseOverAndAnOlderAttemptIsRefused() {
    TaskLedger ledger = new TaskLedger(new ArtifactStore(dir, false));
    TaskLedger.Lease first = ledger.take(task(1), "w-1").orElseThrow();
    assertThat(first.held()).isTrue();
    // A redelivery of the same attempt (a zombie consumer) takes over: the first run must stop.
    TaskLedger.Lease again = ledger.take(task(1), "w-2").orElseThrow();
    assertThat(first.held()).isFalse();
    assertThat(again.held()).isTrue();
    TaskLedger.Lease second = ledger.take(task(2), "w-1").orElseThrow();
    assertThat(again.held()).isFalse();
    assertThat(second.held()).isTrue();
    assertThat(ledger.take(task(1), "w-3")).isEmpty(); // stale: attempt 2 holds the stage
    assertThat(second.held()).isTrue();
  }
}
