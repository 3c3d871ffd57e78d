package dev.plora.jobs;

import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Task;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code plora run}: the same job, state machine and stage runner as the mesh, in one process
 * without Kafka. Tasks run one after another in the order the machine issues them.
 */
public final class LocalPipeline {
  private final ArtifactStore store;
  private final StageRunner runner;

  public LocalPipeline(ArtifactStore store) {
    this.store = store;
    this.runner = new StageRunner(store, "local");
  }

  /**
   * @param statusListener every status the job passes through
   * @throws InvalidSpecException when the spec is invalid (nothing is run)
   */
  public JobStatus run(
      String jobId,
      JobSpec spec,
      Consumer<JobStatus> statusListener,
      Consumer<Progress> progress,
      BooleanSupplier stop) {
    JobSpec full = JobSpecs.withDefaults(spec);
    JobSpecs.validate(full, store);
    JobMachine.Step step = JobMachine.start(jobId, full, System.currentTimeMillis());
    statusListener.accept(step.status());
    JobStatus status = step.status();
    Deque<Task> queue = new ArrayDeque<>(step.tasks());
    while (!queue.isEmpty() && !JobMachine.isTerminal(status.getState())) {
      if (stop.getAsBoolean()) {
        status = JobMachine.cancel(status, System.currentTimeMillis()).status();
        statusListener.accept(status);
        break;
      }
      Outcome o = runner.run(queue.poll(), progress, stop);
      if (stop.getAsBoolean()) {
        continue; // cancelled mid-stage: recorded as such at the top of the loop, not as a failure
      }
      JobMachine.Step next = JobMachine.apply(status, o, System.currentTimeMillis());
      status = next.status();
      queue.addAll(next.tasks());
      if (next.changed()) {
        statusListener.accept(status);
      }
    }
    return status;
  }

  public ArtifactStore store() {
    return store;
  }
}
