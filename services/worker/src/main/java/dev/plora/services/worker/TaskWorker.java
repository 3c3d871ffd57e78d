package dev.plora.services.worker;

import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.CodecWarmUp;
import dev.plora.jobs.ProtoJson;
import dev.plora.jobs.StageRunner;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import dev.plora.services.support.KafkaSend;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes one task topic (channel {@code tasks}), runs each task through the {@link StageRunner}
 * on a worker thread (never the poll thread), and publishes its {@link Outcome} on channel {@code
 * events} before the task's offset is committed: a worker killed mid-task leaves the task
 * uncommitted, so it is redelivered and resumes from what the killed attempt left in the store. An
 * undecodable record fails the message, which the channel's failure strategy sends to the
 * dead-letter topic.
 */
@ApplicationScoped
@Startup // created at boot, not on the first task, so the codec warm-up below happens before any
// job
public class TaskWorker {
  private static final Logger LOG = Logger.getLogger(TaskWorker.class);

  /** Progress reports are throttled to one per interval (plus the last step). */
  private static final long PROGRESS_INTERVAL_MS = 500;

  @Inject ArtifactStore store;
  @Inject MeterRegistry metrics;

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

  private StageRunner runner;
  private Stage stage;

  @PostConstruct
  void init() {
    runner = new StageRunner(store, workerName);
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
    CodecWarmUp.run();
  }

  @Incoming("tasks")
  @Blocking
  public void onTask(String json) throws Exception {
    Task task = ProtoJson.parse(json, Task.newBuilder()).build();
    if (task.getStage() != stage || task.getJobId().isEmpty()) {
      throw new IllegalArgumentException(
          "this "
              + stageName
              + " worker got a task for stage "
              + task.getStage()
              + " of job '"
              + task.getJobId()
              + "'");
    }
    LOG.infof(
        "job=%s trial=%d stage=%s attempt=%d: started",
        task.getJobId(), task.getTrial(), stageName, task.getAttempt());
    long start = System.nanoTime();
    long[] lastProgress = {0};
    Outcome outcome =
        runner.run(
            task,
            p -> {
              long now = System.currentTimeMillis();
              if (now - lastProgress[0] >= PROGRESS_INTERVAL_MS
                  || p.getStep() == p.getTotalSteps()) {
                lastProgress[0] = now;
                KafkaSend.send(progress, task.getJobId(), ProtoJson.print(p));
              }
            },
            () -> store.isCancelled(task.getJobId()));
    metrics
        .timer("plora.task.duration", "stage", stageName, "ok", String.valueOf(outcome.getOk()))
        .record(Duration.ofNanos(System.nanoTime() - start));
    LOG.infof(
        "job=%s trial=%d stage=%s: %s",
        task.getJobId(),
        task.getTrial(),
        stageName,
        outcome.getOk() ? "done" : "failed: " + outcome.getError());
    // Wait for the broker's ack: only then may the task's offset be committed.
    KafkaSend.sendAndWait(events, task.getJobId(), ProtoJson.print(outcome));
  }
}
