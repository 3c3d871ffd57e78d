package dev.plora.services.worker;

import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.CodecWarmUp;
import dev.plora.jobs.ProtoJson;
import dev.plora.jobs.StageRunner;
import dev.plora.jobs.TaskLedger;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import dev.plora.services.support.Faults;
import dev.plora.services.support.KafkaSend;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes one task topic (channel {@code tasks}) and runs each task through the {@link
 * StageRunner} on a worker thread (never the poll thread), publishing its {@link Outcome} on
 * channel {@code events} before the task's offset is committed: a worker killed mid-task leaves the
 * task uncommitted, so it is redelivered and resumes from what the killed attempt left in the
 * store.
 *
 * <p>Around each task: a cancelled job's task answers "cancelled" without running; each start is
 * noted in the store, and a task that has started {@code plora.worker.max-starts} times without
 * finishing (it kills its worker: out of memory, a native crash) fails instead of running again;
 * the task takes its stage's lease, and one older than the attempt holding it is dropped, while a
 * running one stops as soon as a newer run takes the lease over; heartbeats on {@code progress}
 * tell the gateway's supervision that the task is alive. An undecodable record fails the message,
 * which the channel's failure strategy sends to the dead-letter topic (the gateway re-issues its
 * task from there).
 */
@ApplicationScoped
@Startup // created at boot, not on the first task, so the codec warm-up below happens before any
// job
public class TaskWorker {
  private static final Logger LOG = Logger.getLogger(TaskWorker.class);

  /** Training progress reports are throttled to one per interval (plus the last step). */
  private static final long PROGRESS_INTERVAL_MS = 500;

  @Inject ArtifactStore store;
  @Inject MeterRegistry metrics;
  @Inject KafkaSend kafka;
  @Inject Faults faults;

  @Inject
  @Channel("events")
  Emitter<String> events;

  @Inject
  @Channel("progress")
  Emitter<String> progress;

  @ConfigProperty(name = "plora.worker.stage")
  String stageName;

  @ConfigProperty(name = "plora.worker.name")
  String workerName;

  @ConfigProperty(name = "plora.worker.heartbeat-interval", defaultValue = "5s")
  Duration heartbeatInterval;

  @ConfigProperty(name = "plora.worker.max-starts", defaultValue = "3")
  int maxStarts;

  private StageRunner runner;
  private TaskLedger ledger;
  private Stage stage;
  private ScheduledExecutorService heartbeats;

  @PostConstruct
  void init() {
    runner = new StageRunner(store, workerName);
    ledger = new TaskLedger(store);
    stage =
        switch (stageName) {
          case "discover" -> Stage.STAGE_DISCOVER;
          case "train" -> Stage.STAGE_TRAIN;
          case "evaluate" -> Stage.STAGE_EVALUATE;
          case "export" -> Stage.STAGE_EXPORT;
          default ->
              throw new IllegalStateException(
                  "plora.worker.stage must be discover, train, evaluate or export; got '"
                      + stageName
                      + "'");
        };
    heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "plora-heartbeat");
              t.setDaemon(true);
              return t;
            });
    CodecWarmUp.run();
  }

  @PreDestroy
  void close() {
    heartbeats.shutdownNow();
  }

  @Incoming("tasks")
  @Blocking
  public void onTask(String json) {
    // Internal messages are read tolerantly: a field added by a newer gateway is ignored, not
    // fatal.
    Task parsed = ProtoJson.parseLenient(json, Task.newBuilder()).build();
    if (parsed.getStage() != stage || parsed.getJobId().isEmpty()) {
      throw new IllegalArgumentException(
          "this "
              + stageName
              + " worker got a task for stage "
              + parsed.getStage()
              + " of job '"
              + parsed.getJobId()
              + "'");
    }
    Task task = parsed.getAttempt() > 0 ? parsed : parsed.toBuilder().setAttempt(1).build();
    String where =
        String.format(
            "job=%s trial=%d stage=%s attempt=%d",
            task.getJobId(), task.getTrial(), stageName, task.getAttempt());
    if (store.isCancelled(task.getJobId())) {
      LOG.infof("%s: skipped (job cancelled)", where);
      publish(task, runner.run(task, p -> {}, () -> true));
      return;
    }
    int starts = ledger.started(task, workerName);
    if (starts > maxStarts) {
      String why =
          String.format(
              "the %s task started %d times without finishing (its worker died each time: out of memory, a"
                  + " native crash?); not running it again",
              stageName, starts - 1);
      LOG.errorf("%s: %s", where, why);
      publish(task, failed(task, why));
      ledger.finished(task);
      return;
    }
    Optional<TaskLedger.Lease> lease = ledger.take(task, workerName);
    if (lease.isEmpty()) {
      LOG.infof("%s: dropped (a newer attempt holds the stage)", where);
      return;
    }
    if (faults.exitAt(stage, task.getAttempt())) {
      LOG.errorf("%s: test fault exit-at=%s: halting the JVM", where, stageName);
      Runtime.getRuntime().halt(137);
    }
    LOG.infof("%s: started (start %d)", where, starts);
    long start = System.nanoTime();
    ScheduledFuture<?> beat =
        heartbeats.scheduleAtFixedRate(
            () -> heartbeat(task), 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
    Outcome outcome;
    try {
      long[] lastProgress = {0};
      outcome =
          runner.run(
              task,
              p -> {
                long now = System.currentTimeMillis();
                if (now - lastProgress[0] >= PROGRESS_INTERVAL_MS
                    || p.getStep() == p.getTotalSteps()) {
                  lastProgress[0] = now;
                  kafka.send(
                      progress,
                      task.getJobId(),
                      ProtoJson.print(p.toBuilder().setWorker(workerName).build()));
                }
              },
              () -> store.isCancelled(task.getJobId()),
              () -> !lease.get().held());
    } finally {
      beat.cancel(false);
    }
    metrics
        .timer("plora.task.duration", "stage", stageName, "ok", String.valueOf(outcome.getOk()))
        .record(Duration.ofNanos(System.nanoTime() - start));
    if (!lease.get().held()) {
      LOG.infof("%s: superseded by a newer run of the stage; its outcome is not published", where);
      return;
    }
    LOG.infof(
        "%s: %s",
        where,
        outcome.getOk()
            ? "done"
            : "failed"
                + (outcome.getTransient() ? " (transient)" : "")
                + ": "
                + outcome.getError());
    if (faults.dropOutcome(stage, task.getAttempt())) {
      LOG.errorf("%s: test fault drop-outcome=%s: the outcome is not published", where, stageName);
    } else {
      publish(task, outcome);
    }
    ledger.finished(task);
  }

  /** Publishes and waits for the broker's ack: only then may the task's offset be committed. */
  private void publish(Task task, Outcome outcome) {
    kafka.sendAndWait(events, task.getJobId(), ProtoJson.print(outcome));
  }

  private Outcome failed(Task task, String why) {
    return Outcome.newBuilder()
        .setJobId(task.getJobId())
        .setTrial(task.getTrial())
        .setStage(task.getStage())
        .setAttempt(task.getAttempt())
        .setWorker(workerName)
        .setOk(false)
        .setError(why)
        .build();
  }

  private void heartbeat(Task task) {
    kafka.send(
        progress,
        task.getJobId(),
        ProtoJson.print(
            Progress.newBuilder()
                .setJobId(task.getJobId())
                .setTrial(task.getTrial())
                .setStage(task.getStage())
                .setAttempt(task.getAttempt())
                .setHeartbeat(true)
                .setWorker(workerName)
                .setTimeMs(System.currentTimeMillis())
                .build()));
  }
}
