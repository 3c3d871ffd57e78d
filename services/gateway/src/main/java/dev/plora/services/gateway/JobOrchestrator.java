package dev.plora.services.gateway;

import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.CodecWarmUp;
import dev.plora.jobs.InvalidSpecException;
import dev.plora.jobs.JobMachine;
import dev.plora.jobs.JobSpecs;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Task;
import dev.plora.services.support.Topics;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The gateway's job table and the only writer of job state. It drives {@link JobMachine} with
 * submissions (gRPC or Kafka), worker outcomes and cancellations; every transition first sends the
 * tasks it implies, then writes the new state to the compacted state topic, and only then lets the
 * caller acknowledge its input — so a crash at any point replays into the same state (duplicate
 * tasks are idempotent, duplicate outcomes are ignored). On startup the table is rebuilt from the
 * state topic before any input is handled.
 */
@ApplicationScoped
public class JobOrchestrator {
  private static final Logger LOG = Logger.getLogger(JobOrchestrator.class);

  @Inject TaskPublisher publisher;
  @Inject ArtifactStore store;
  @Inject MeterRegistry metrics;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "mp.messaging.outgoing.state.topic")
  String stateTopic;

  @ConfigProperty(name = "plora.topics.replication", defaultValue = "1")
  short replication;

  private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
  private final Map<String, List<StreamObserver<JobEvent>>> watchers = new ConcurrentHashMap<>();
  private final CountDownLatch restored = new CountDownLatch(1);

  void onStart(@Observes StartupEvent e) {
    Thread t = new Thread(this::restore, "plora-state-restore");
    t.setDaemon(true);
    t.start();
  }

  private void restore() {
    CodecWarmUp.run();
    while (true) {
      try {
        Topics.ensure(bootstrap, replication);
        jobs.putAll(JobStateRestore.read(bootstrap, stateTopic));
        LOG.infof("restored %d jobs from %s", jobs.size(), stateTopic);
        restored.countDown();
        return;
      } catch (RuntimeException ex) {
        LOG.warnf("cannot restore job state yet (%s); retrying in 2 s", ex.getMessage());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void awaitRestore() {
    try {
      if (!restored.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "the gateway has not restored its job state from Kafka yet");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the job state", e);
    }
  }

  public boolean ready() {
    return restored.getCount() == 0;
  }

  /**
   * Starts a job, or returns the existing one for a known {@code client_job_id} / {@code jobId}.
   *
   * @throws InvalidSpecException when the spec is invalid (nothing is recorded)
   */
  public synchronized JobStatus submit(JobSpec spec, String jobId) {
    awaitRestore();
    Optional<JobStatus> existing = find(spec.getClientJobId(), jobId);
    if (existing.isPresent()) {
      return existing.get();
    }
    JobSpec full = JobSpecs.withDefaults(spec);
    JobSpecs.validate(full, store);
    String id = jobId != null ? jobId : newId();
    JobMachine.Step step = JobMachine.start(id, full, System.currentTimeMillis());
    commit(step);
    metrics.counter("plora.jobs.submitted").increment();
    LOG.infof(
        "job=%s submitted: %s, %d trial(s)",
        id, full.getStrategy().getKind(), step.status().getTrialsCount());
    return step.status();
  }

  /**
   * A Kafka submission that failed validation is recorded as a failed job, so the submitter can
   * read why.
   */
  public synchronized JobStatus reject(JobSpec spec, String jobId, InvalidSpecException e) {
    awaitRestore();
    Optional<JobStatus> existing = find(spec.getClientJobId(), jobId);
    if (existing.isPresent()) {
      return existing.get();
    }
    JobStatus s = JobMachine.rejected(jobId, spec, e.getMessage(), System.currentTimeMillis());
    commit(new JobMachine.Step(s, List.of(), true));
    metrics.counter("plora.jobs.rejected").increment();
    LOG.infof("job=%s rejected: %s", jobId, e.getMessage());
    return s;
  }

  public synchronized void onOutcome(Outcome o) {
    awaitRestore();
    JobStatus s = jobs.get(o.getJobId());
    if (s == null) {
      LOG.warnf("outcome for unknown job %s ignored", o.getJobId());
      return;
    }
    JobMachine.Step step = JobMachine.apply(s, o, System.currentTimeMillis());
    if (!step.changed()) {
      LOG.debugf(
          "job=%s trial=%d: duplicate or late %s outcome ignored",
          o.getJobId(), o.getTrial(), o.getStage());
      return;
    }
    commit(step);
    JobState st = step.status().getState();
    if (JobMachine.isTerminal(st)) {
      metrics.counter("plora.jobs.finished", "state", st.name()).increment();
      LOG.infof("job=%s %s %s", o.getJobId(), st, step.status().getReason());
    }
  }

  public void onProgress(Progress p) {
    JobStatus s = jobs.get(p.getJobId());
    if (s == null || JobMachine.isTerminal(s.getState())) {
      return;
    }
    jobs.computeIfPresent(p.getJobId(), (k, v) -> v.toBuilder().setProgress(p).build());
    notify(
        p.getJobId(),
        JobEvent.newBuilder()
            .setJobId(p.getJobId())
            .setTimeMs(p.getTimeMs())
            .setProgress(p)
            .build(),
        false);
  }

  public synchronized Optional<JobStatus> cancel(String jobId) {
    awaitRestore();
    JobStatus s = jobs.get(jobId);
    if (s == null) {
      return Optional.empty();
    }
    JobMachine.Step step = JobMachine.cancel(s, System.currentTimeMillis());
    if (step.changed()) {
      store.markCancelled(jobId); // workers see it between training steps
      commit(step);
      LOG.infof("job=%s cancelled", jobId);
    }
    return Optional.of(step.status());
  }

  public Optional<JobStatus> get(String jobId) {
    awaitRestore();
    return Optional.ofNullable(jobs.get(jobId));
  }

  public List<JobStatus> list(Collection<JobState> states) {
    awaitRestore();
    return jobs.values().stream()
        .filter(s -> states.isEmpty() || states.contains(s.getState()))
        .sorted(Comparator.comparingLong(JobStatus::getCreatedMs))
        .toList();
  }

  /** Streams the job's status now, then every change and progress report until it ends. */
  public void watch(String jobId, StreamObserver<JobEvent> observer) {
    awaitRestore();
    synchronized (this) { // no transition can slip between the first event and the registration
      JobStatus s = Optional.ofNullable(jobs.get(jobId)).orElseThrow();
      JobEvent now =
          JobEvent.newBuilder()
              .setJobId(jobId)
              .setTimeMs(System.currentTimeMillis())
              .setStatus(s)
              .build();
      if (JobMachine.isTerminal(s.getState())) {
        observer.onNext(now);
        observer.onCompleted();
        return;
      }
      List<StreamObserver<JobEvent>> list =
          watchers.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>());
      if (observer instanceof ServerCallStreamObserver<JobEvent> server) {
        server.setOnCancelHandler(() -> list.remove(observer));
      }
      observer.onNext(now);
      list.add(observer);
    }
  }

  private void commit(JobMachine.Step step) {
    for (Task t : step.tasks()) {
      publisher.task(t);
    }
    JobStatus s = step.status();
    publisher.state(s);
    jobs.put(s.getJobId(), s);
    notify(
        s.getJobId(),
        JobEvent.newBuilder()
            .setJobId(s.getJobId())
            .setTimeMs(s.getUpdatedMs())
            .setStatus(s)
            .build(),
        JobMachine.isTerminal(s.getState()));
  }

  private void notify(String jobId, JobEvent event, boolean last) {
    List<StreamObserver<JobEvent>> list = watchers.get(jobId);
    if (list == null) {
      return;
    }
    for (StreamObserver<JobEvent> o : new ArrayList<>(list)) {
      try {
        synchronized (o) {
          o.onNext(event);
          if (last) {
            o.onCompleted();
          }
        }
      } catch (RuntimeException e) {
        list.remove(o); // the watcher went away
      }
    }
    if (last) {
      watchers.remove(jobId);
    }
  }

  private Optional<JobStatus> find(String clientJobId, String jobId) {
    if (jobId != null && jobs.containsKey(jobId)) {
      return Optional.of(jobs.get(jobId));
    }
    if (clientJobId.isEmpty()) {
      return Optional.empty();
    }
    return jobs.values().stream()
        .filter(s -> s.getSpec().getClientJobId().equals(clientJobId))
        .findFirst();
  }

  private static String newId() {
    return "job-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
