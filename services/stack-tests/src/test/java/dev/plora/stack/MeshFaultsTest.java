package dev.plora.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plora.jobs.ProtoJson;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.StrategySpec;
import dev.plora.proto.v1.TrialsSpec;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults injected into the real processes of a real stack (broker and five services): every job
 * ends — succeeded, failed with a reason, or cancelled — and nothing acknowledged is lost or
 * duplicated. The gateway presumes a running task lost after 15 s of silence here (120 s by
 * default); workers send a heartbeat every 2 s. Faults inside the services are switched on with
 * {@code PLORA_FAULTS} (test-only) by restarting the service. Each test prints the time its job
 * took to recover, for the fault table in bench/RESULTS.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshFaultsTest {
  private static final StackPorts PORTS = new StackPorts(29292, 29293, 29200, 28180);
  private static final Map<String, String> SUPERVISION =
      Map.of(
          "PLORA_SILENCE_TIMEOUT",
          "15s",
          "PLORA_HEARTBEAT_INTERVAL",
          "2s",
          "PLORA_MAX_ATTEMPTS",
          "3");
  private static StackFixture fx;

  @BeforeAll
  static void up() throws Exception {
    fx = StackFixture.start("faults-home", PORTS, SUPERVISION);
  }

  @AfterAll
  static void down() {
    if (fx != null) {
      fx.close();
    }
  }

  private static void recovered(String fault, long faultMs, JobStatus end) {
    System.out.printf(
        "FAULT %s: job %s %s %.1f s after the fault%n",
        fault, end.getJobId(), end.getState(), (end.getUpdatedMs() - faultMs) / 1000.0);
  }

  /** The state records of a job that say it succeeded: a job ends once. */
  private static long succeededRecords(String jobId) {
    return fx.records("plora.jobs.state", Duration.ofSeconds(10), rs -> false).stream()
        .filter(r -> jobId.equals(r.key()) && r.value() != null)
        .filter(
            r ->
                ProtoJson.parseLenient(r.value(), JobStatus.newBuilder()).getState()
                    == JobState.JOB_STATE_SUCCEEDED)
        .count();
  }

  private static void assertOneResult(JobStatus end) throws Exception {
    assertThat(end.getState()).as(end.getReason()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(end.getExportsList()).hasSize(1);
    try (var files =
        Files.list(fx.stack.store().resolve("jobs").resolve(end.getJobId()).resolve("exports"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("model.onnx");
    }
    assertThat(succeededRecords(end.getJobId())).isEqualTo(1);
  }

  @Test
  @Order(1)
  void anUndecodableTaskIsReissuedAndTheWorkerKeepsConsuming() throws Exception {
    fx.stack.restart(
        StackService.GATEWAY, Map.of("PLORA_FAULTS", "corrupt-task=train:1"), System.out);
    try {
      JobStatus submitted = fx.client.submit(StackFixture.tiny("dense", 2, 8).build());
      long t0 = System.currentTimeMillis();
      JobStatus end = fx.awaitEnd(submitted.getJobId(), Duration.ofMinutes(3));
      assertOneResult(end);
      String key = submitted.getJobId() + "/0/train/1";
      assertThat(
              fx.records(
                  "plora.dead-letter",
                  Duration.ofSeconds(30),
                  rs -> rs.stream().anyMatch(r -> key.equals(r.key()))))
          .extracting(ConsumerRecord::key)
          .contains(key);
      assertThat(fx.log(StackService.GATEWAY)).contains("could not read attempt 1 of the task");
      assertThat(fx.log(StackService.TRAINER))
          .contains("job=" + submitted.getJobId() + " trial=0 stage=train attempt=2: done");
      recovered("dead-lettered task", t0, end);
    } finally {
      fx.stack.restart(StackService.GATEWAY, Map.of(), System.out);
    }
  }

  @Test
  @Order(2)
  void aLostOutcomeIsReissuedAfterTheDeadlineAndTheJobSucceeds() throws Exception {
    fx.stack.restart(
        StackService.EVALUATOR, Map.of("PLORA_FAULTS", "drop-outcome=evaluate:1"), System.out);
    try {
      JobStatus submitted = fx.client.submit(StackFixture.tiny("dense", 2, 8).build());
      JobStatus evaluating =
          StackFixture.await(
              s ->
                  s.getState() == JobState.JOB_STATE_EVALUATING
                      || s.getState() == JobState.JOB_STATE_EXPORTING,
              "evaluation to start",
              Duration.ofMinutes(2),
              () -> fx.client.get(submitted.getJobId()));
      JobStatus end = fx.awaitEnd(submitted.getJobId(), Duration.ofMinutes(3));
      assertOneResult(end);
      String evaluator = fx.log(StackService.EVALUATOR);
      assertThat(evaluator).contains("stage=evaluate attempt=1: test fault drop-outcome=evaluate");
      assertThat(evaluator)
          .contains("job=" + submitted.getJobId() + " trial=0 stage=evaluate attempt=2: done");
      assertThat(fx.log(StackService.GATEWAY)).contains("attempt 1 gave no sign of life for 15 s");
      recovered("lost outcome", evaluating.getUpdatedMs(), end);
    } finally {
      fx.stack.restart(StackService.EVALUATOR, Map.of(), System.out);
    }
  }

  @Test
  @Order(3)
  void aTaskThatKillsItsWorkerEveryTimeFailsTheJobNamingTheAttempts() throws Exception {
    Map<String, String> crash = Map.of("PLORA_FAULTS", "exit-at=evaluate");
    fx.stack.restart(StackService.EVALUATOR, crash, System.out);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger restarts = new AtomicInteger();
    // What Kubernetes does for a pod: a worker that dies is started again.
    CompletableFuture<Void> supervisor =
        CompletableFuture.runAsync(
            () -> {
              while (!done.get()) {
                if (!fx.stack.isRunning(StackService.EVALUATOR)) {
                  restarts.incrementAndGet();
                  try {
                    fx.stack.start(StackService.EVALUATOR, System.out);
                  } catch (RuntimeException diedWhileStarting) {
                    // it took its task and died before it was ready: start it again
                  }
                }
                sleep(300);
              }
            });
    try {
      JobStatus submitted = fx.client.submit(StackFixture.tiny("dense", 2, 8).build());
      long t0 = System.currentTimeMillis();
      JobStatus end = fx.awaitEnd(submitted.getJobId(), Duration.ofMinutes(5));
      assertThat(end.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
      assertThat(end.getReason())
          .startsWith("trial 0 (seed 42) failed at evaluate: ")
          .containsAnyOf("started 3 times without finishing", "gave up after 3 attempts");
      assertThat(restarts.get()).isGreaterThanOrEqualTo(3);
      System.out.printf("the evaluator died and was restarted %d times%n", restarts.get());
      recovered("worker crash on every attempt", t0, end);
    } finally {
      done.set(true);
      supervisor.get(2, TimeUnit.MINUTES);
      fx.stack.restart(StackService.EVALUATOR, Map.of(), System.out);
    }
  }

  @Test
  @Order(4)
  void cancellingDuringImpDiscoveryStopsItAndNoLaterStageRuns() throws Exception {
    JobSpec imp =
        StackFixture.tiny("imp", 30, 4)
            .setStrategy(
                StrategySpec.newBuilder().setKind("imp").setRounds(3).setPruneFraction(0.5))
            .build();
    JobStatus submitted = fx.client.submit(imp);
    String started = "job=" + submitted.getJobId() + " trial=0 stage=discover attempt=1: started";
    awaitLog(StackService.MASK_DISCOVERY, started, Duration.ofMinutes(2));
    Thread.sleep(1500); // inside IMP's first training round (3 rounds of 240 steps)
    long t0 = System.currentTimeMillis();
    assertThat(fx.client.cancel(submitted.getJobId()).getState())
        .isEqualTo(JobState.JOB_STATE_CANCELLED);
    awaitLog(
        StackService.MASK_DISCOVERY,
        "job=" + submitted.getJobId() + " trial=0 stage=discover attempt=1: failed: cancelled",
        Duration.ofMinutes(1));
    System.out.printf(
        "FAULT cancel during IMP: discovery stopped %.1f s after the cancel%n",
        (System.currentTimeMillis() - t0) / 1000.0);
    Thread.sleep(3000);
    assertThat(fx.client.get(submitted.getJobId()).getState())
        .isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(fx.log(StackService.TRAINER)).doesNotContain("job=" + submitted.getJobId());
    assertThat(
            Files.exists(
                fx.stack
                    .store()
                    .resolve("jobs/" + submitted.getJobId() + "/trial-0/plan/plan.json")))
        .isFalse();
  }

  @Test
  @Order(5)
  void cancellingWhileEvaluationsAreQueuedSkipsThem() throws Exception {
    fx.stack.stop(StackService.EVALUATOR, false);
    try {
      JobStatus submitted =
          fx.client.submit(
              StackFixture.tiny("dense", 1, 8)
                  .setTrials(TrialsSpec.newBuilder().addSeeds(1).addSeeds(2).addSeeds(3))
                  .build());
      StackFixture.await(
          s -> s.getTrialsList().stream().allMatch(t -> t.getDone() == Stage.STAGE_TRAIN),
          "every trial trained (their evaluate tasks queued)",
          Duration.ofMinutes(3),
          () -> fx.client.get(submitted.getJobId()));
      assertThat(fx.client.cancel(submitted.getJobId()).getState())
          .isEqualTo(JobState.JOB_STATE_CANCELLED);
      fx.stack.start(StackService.EVALUATOR, System.out);
      for (int trial = 0; trial < 3; trial++) {
        awaitLog(
            StackService.EVALUATOR,
            "job="
                + submitted.getJobId()
                + " trial="
                + trial
                + " stage=evaluate attempt=1: skipped (job cancelled)",
            Duration.ofMinutes(1));
      }
      Thread.sleep(2000);
      assertThat(fx.client.get(submitted.getJobId()).getState())
          .isEqualTo(JobState.JOB_STATE_CANCELLED);
      assertThat(fx.log(StackService.EVALUATOR))
          .doesNotContain(submitted.getJobId() + " trial=0 stage=evaluate attempt=1: started");
      assertThat(fx.log(StackService.EXPORTER)).doesNotContain("job=" + submitted.getJobId());
    } finally {
      if (!fx.stack.isRunning(StackService.EVALUATOR)) {
        fx.stack.start(StackService.EVALUATOR, System.out);
      }
    }
  }

  @Test
  @Order(6)
  void aBrokerKilledMidTrainingAndBackAMinuteLaterLeavesTheJobToSucceed() throws Exception {
    int totalSteps = 60 * 8;
    JobStatus submitted = fx.client.submit(StackFixture.tiny("dense", 60, 4).build());
    JobStatus training =
        StackFixture.await(
            s -> s.hasProgress() && s.getProgress().getStep() >= 10,
            "training progress",
            Duration.ofMinutes(2),
            () -> fx.client.get(submitted.getJobId()));
    assertThat(training.getProgress().getStep())
        .as("step when the broker is killed")
        .isLessThan(totalSteps);
    fx.stack.stop(StackService.DEV_BROKER, true);
    Thread.sleep(60_000);
    fx.stack.start(StackService.DEV_BROKER, System.out);
    long back = System.currentTimeMillis();
    JobStatus end = fx.awaitEnd(submitted.getJobId(), Duration.ofMinutes(5));
    assertOneResult(end);
    recovered("broker SIGKILL for 60 s mid-training (time after the broker was back)", back, end);
  }

  @Test
  @Order(7)
  void aSubmissionDuringAnOutageLongerThanSixtySecondsIsAcceptedWhenTheBrokerIsBack()
      throws Exception {
    fx.stack.stop(StackService.DEV_BROKER, true);
    CompletableFuture<JobStatus> submission =
        CompletableFuture.supplyAsync(
            () ->
                fx.client.submit(
                    StackFixture.tiny("dense", 2, 8).setClientJobId("during-outage").build()));
    Thread.sleep(70_000);
    assertThat(submission).as("the submission waits for the broker").isNotDone();
    fx.stack.start(StackService.DEV_BROKER, System.out);
    long back = System.currentTimeMillis();
    JobStatus accepted = submission.get(5, TimeUnit.MINUTES);
    JobStatus end = fx.awaitEnd(accepted.getJobId(), Duration.ofMinutes(5));
    assertOneResult(end);
    List<ConsumerRecord<String, String>> dead =
        fx.records("plora.dead-letter", Duration.ofSeconds(10), rs -> false);
    assertThat(dead).noneMatch(r -> r.key() != null && r.key().startsWith(accepted.getJobId()));
    recovered("broker down 70 s during a submission (time after the broker was back)", back, end);
  }

  @Test
  @Order(8)
  void servicesStartedBeforeTheirKafkaCredentialsExistWorkOnceTheyDo() throws Exception {
    // What compose (all containers at once) or a KafkaUser still being reconciled does: the
    // service's first connection fails authentication. It must recover when the user appears.
    List<StackService> late = List.of(StackService.GATEWAY, StackService.TRAINER);
    late.forEach(s -> fx.stack.stop(s, false));
    try (Admin admin = fx.brokerAdmin()) {
      List<UserScramCredentialAlteration> deletions = new ArrayList<>();
      late.forEach(
          s ->
              deletions.add(new UserScramCredentialDeletion(s.id(), ScramMechanism.SCRAM_SHA_512)));
      admin.alterUserScramCredentials(deletions).all().get(30, TimeUnit.SECONDS);
      Map<StackService, Integer> logStart = new java.util.HashMap<>();
      late.forEach(s -> logStart.put(s, fx.log(s).length()));
      List<CompletableFuture<Void>> starting =
          late.stream()
              .map(s -> CompletableFuture.runAsync(() -> fx.stack.start(s, System.out)))
              .toList();
      for (StackService s : late) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!fx.log(s).substring(logStart.get(s)).contains("Authentication failed")) {
          assertThat(System.nanoTime()).as(s.id() + " tried to authenticate").isLessThan(deadline);
          Thread.sleep(250);
        }
      }
      Thread.sleep(5_000); // let every client of both services fail at least once
      List<UserScramCredentialAlteration> upserts = new ArrayList<>();
      for (StackService s : late) {
        upserts.add(
            new UserScramCredentialUpsertion(
                s.id(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                fx.stack.security().kafka().password(s.id())));
      }
      admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
      long provisioned = System.currentTimeMillis();
      for (CompletableFuture<Void> s : starting) {
        s.get(3, TimeUnit.MINUTES);
      }
      JobStatus submitted =
          CompletableFuture.supplyAsync(
                  () -> fx.client.submit(StackFixture.tiny("dense", 2, 8).build()))
              .get(2, TimeUnit.MINUTES);
      JobStatus end = fx.awaitEnd(submitted.getJobId(), Duration.ofMinutes(3));
      assertOneResult(end);
      recovered("credentials provisioned after the services started", provisioned, end);
    }
  }

  private static void awaitLog(StackService s, String line, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (fx.log(s).contains(line)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "no line '"
            + line
            + "' in the "
            + s.id()
            + " log within "
            + timeout
            + ":\n"
            + fx.stack.tail(s, 20));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
