package dev.plora.services.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskRouterTest {
  private static TaskRouter router() {
    TaskRouter r = new TaskRouter();
    r.busyWindow = Duration.ofSeconds(20);
    return r;
  }

  private static Progress heartbeat(String job, String worker) {
    return Progress.newBuilder()
        .setJobId(job)
        .setStage(Stage.STAGE_TRAIN)
        .setAttempt(1)
        .setWorker(worker)
        .setHeartbeat(true)
        .build();
  }

  private static Outcome outcome(String job, String worker) {
    return Outcome.newBuilder()
        .setJobId(job)
        .setStage(Stage.STAGE_TRAIN)
        .setAttempt(1)
        .setWorker(worker)
        .setOk(true)
        .build();
  }

  @Test
  void aHeartbeatThatArrivesAfterItsTasksOutcomeLeavesTheWorkerIdle() {
    TaskRouter r = router();
    r.sign(heartbeat("a", "trainer-1"));
    assertThat(r.busy(System.currentTimeMillis())).containsExactly("trainer-1");

    r.finished(outcome("a", "trainer-1"));
    r.sign(heartbeat("a", "trainer-1")); // sent before the outcome, read after it

    assertThat(r.busy(System.currentTimeMillis())).isEmpty();
  }

  @Test
  void theWorkersNextTaskMarksItBusyAgain() {
    TaskRouter r = router();
    r.sign(heartbeat("a", "trainer-1"));
    r.finished(outcome("a", "trainer-1"));

    r.sign(heartbeat("b", "trainer-1"));

    assertThat(r.busy(System.currentTimeMillis())).containsExactly("trainer-1");
  }
}
