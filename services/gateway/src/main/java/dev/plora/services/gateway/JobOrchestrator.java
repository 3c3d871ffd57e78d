package dev.plora.services.gateway;

import dev.plora.jobs.AccessDeniedException;
import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.Caller;
import dev.plora.jobs.CodecWarmUp;
import dev.plora.jobs.InvalidSpecException;
import dev.plora.jobs.JobMachine;
import dev.plora.jobs.JobSpecs;
import dev.plora.jobs.Pages;
import dev.plora.jobs.StageDeadlines;
import dev.plora.jobs.StoreAccess;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.services.support.KafkaClientConfig;
import dev.plora.services.support.Topics;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The gateway's job table and the only writer of job state. It drives {@link JobMachine} with
 * submissions (gRPC or Kafka), worker outcomes, cancellations and its own stage supervision; every
 * transition first sends the tasks it implies (all at once, acknowledged together), then writes the
 * new state to the compacted state topic, and only then lets the caller acknowledge its input — so
 * a crash at any point replays into the same state (duplicate tasks are idempotent, duplicate and
 * stale outcomes are ignored). On startup the table is rebuilt from the state topic before any
 * input is handled. Transitions of one job are serialized by that job's lock; different jobs
 * proceed in parallel, and reads take no lock.
 *
 * <p>Supervision ({@link StageDeadlines}): every dispatched stage is watched; a running task silent
 * for {@code plora.supervision.silence-timeout} (its worker died, its outcome was lost), a worker's
 * transient failure, or a dead-lettered task re-issues the stage with attempt + 1, up to {@code
 * plora.supervision.max-attempts}; a task no worker started within {@code
 * plora.supervision.queue-timeout} fails its job. Every job ends.
 *
 * <p>Ownership: every job belongs to the subject whose token submitted it ({@code owner}); reads
 * and actions on a job are allowed to its owner and to admins ({@link AccessDeniedException}
 * otherwise), lists show only the caller's jobs, and a {@code client_job_id} is unique per owner —
 * another subject's id starts a job of its own, it never returns someone else's.
 *
 * <p>Lifecycle: {@link #delete} removes an ended job everywhere (a tombstone on the state topic,
 * its files, its table entry); with {@code plora.jobs.retention} set, ended jobs older than that
 * are deleted the same way.
 */
@ApplicationScoped
public class JobOrchestrator {
  private static final Logger LOG = Logger.getLogger(JobOrchestrator.class);

  @Inject TaskPublisher publisher;
  @Inject TaskRouter router;
  @Inject ArtifactStore store;
  @Inject MeterRegistry metrics;

  @Inject KafkaClientConfig kafka;

  @ConfigProperty(name = "plora.topics.replication", defaultValue = "1")
  short replication;

  @ConfigProperty(name = "plora.supervision.max-attempts", defaultValue = "3")
  int maxAttempts;

  @ConfigProperty(name = "plora.supervision.silence-timeout", defaultValue = "120s")
  Duration silenceTimeout;

  @ConfigProperty(name = "plora.supervision.queue-timeout", defaultValue = "24h")
  Duration queueTimeout;

  /** How long a gRPC call waits for the state restore before answering UNAVAILABLE. */
  @ConfigProperty(name = "plora.gateway.restore-wait", defaultValue = "30s")
  Duration restoreWait;

  /** Ended jobs older than this are deleted; 0 keeps them forever (the default). */
  @ConfigProperty(name = "plora.jobs.retention", defaultValue = "0s")
  Duration retention;

  private final Map<String, JobStatus> jobs = new ConcurrentHashMap<>();
  private final Map<String, String> byClientId = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, List<WatchStream>> watchers = new ConcurrentHashMap<>();
  private final CountDownLatch restored = new CountDownLatch(1);

  /** The gateway itself (retention): may act on every job. */
  private static final Caller SYSTEM = new Caller("plora-gateway", true);

  private StoreAccess access;
  private dev.plora.jobs.OutcomeCheck outcomeCheck;
  private StageDeadlines deadlines;

  void onStart(@Observes StartupEvent e) {
    deadlines = new StageDeadlines(silenceTimeout, queueTimeout);
    access = new StoreAccess(store);
    outcomeCheck = new dev.plora.jobs.OutcomeCheck(store);
    Thread t = new Thread(this::restore, "plora-state-restore");
    t.setDaemon(true);
    t.start();
  }

  private void restore() {
    CodecWarmUp.run();
    while (true) {
      try {
        Topics.ensure(kafka.connection(), replication);
        Map<String, JobStatus> table = JobStateRestore.read(kafka.connection(), Topics.STATE);
        long now = System.currentTimeMillis();
        table
            .values()
            .forEach(
                s -> {
                  remember(s);
                  deadlines.sync(s, now); // in-flight stages start queued again
                });
        LOG.infof("restored %d jobs from %s", jobs.size(), Topics.STATE);
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

  /**
   * Waits for the state restore: Kafka inputs wait as long as it takes (nothing can be decided
   * before), gRPC calls at most {@code plora.gateway.restore-wait}, then fail as unavailable.
   */
  private void awaitRestore(boolean patient) {
    try {
      if (patient) {
        restored.await();
      } else if (!restored.await(restoreWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new GatewayUnavailableException(
            "the gateway has not restored its job state from Kafka yet (is the broker reachable?); retry");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayUnavailableException("interrupted while waiting for the job state");
    }
  }

  public boolean ready() {
    return restored.getCount() == 0;
  }

  private Object lock(String jobId) {
    return locks.computeIfAbsent(jobId, k -> new Object());
  }

  private void remember(JobStatus s) {
    jobs.put(s.getJobId(), s);
    if (!s.getSpec().getClientJobId().isEmpty()) {
      byClientId.putIfAbsent(clientKey(s.getOwner(), s.getSpec().getClientJobId()), s.getJobId());
    }
  }

  /** client_job_id is an idempotency key per owner. */
  private static String clientKey(String owner, String clientJobId) {
    return owner + "\n" + clientJobId;
  }

  /**
   * Starts a job owned by {@code caller}, or returns the existing one for a known {@code
   * client_job_id} of that caller / {@code jobId} (two concurrent submissions with the same
   * client_job_id start one job). A gRPC submission ({@code jobId} null) waits for the restore only
   * briefly; a Kafka one as long as it takes.
   *
   * @throws InvalidSpecException when the spec is invalid (nothing is recorded)
   * @throws AccessDeniedException when the spec names inputs that are not the caller's to read
   */
  public JobStatus submit(JobSpec spec, String jobId, Caller caller) {
    awaitRestore(jobId != null);
    String id = jobId != null ? jobId : newId();
    synchronized (lock(id)) {
      if (jobs.containsKey(id)) {
        return jobs.get(id); // a redelivered Kafka submission
      }
      String clientId = spec.getClientJobId();
      String key = clientKey(caller.subject(), clientId);
      if (!clientId.isEmpty()) {
        String claimed = byClientId.putIfAbsent(key, id);
        if (claimed != null) {
          return existing(claimed, spec, jobId, caller);
        }
      }
      try {
        JobSpec full = JobSpecs.withDefaults(spec);
        access.checkInputs(full, caller);
        JobSpecs.validate(full, store);
        JobMachine.Step started = JobMachine.start(id, full, System.currentTimeMillis());
        JobMachine.Step step =
            new JobMachine.Step(
                started.status().toBuilder().setOwner(caller.subject()).build(),
                started.tasks(),
                true);
        commit(step);
        metrics.counter("plora.jobs.submitted").increment();
        LOG.infof(
            "job=%s submitted: %s, %d trial(s)",
            id, full.getStrategy().getKind(), step.status().getTrialsCount());
        return step.status();
      } catch (RuntimeException e) {
        if (!clientId.isEmpty()) {
          byClientId.remove(key, id);
        }
        throw e;
      }
    }
  }

  /**
   * The job another submission with the same client_job_id started (waiting for it to be recorded).
   */
  private JobStatus existing(String claimed, JobSpec spec, String jobId, Caller caller) {
    synchronized (lock(claimed)) { // held by that submission until its job is recorded
      JobStatus s = jobs.get(claimed);
      if (s != null) {
        return s;
      }
    }
    return submit(spec, jobId, caller); // that submission failed: try again as a new one
  }

  /**
   * A Kafka submission that failed validation is recorded as a failed job, so the submitter can
   * read why.
   */
  public JobStatus reject(JobSpec spec, String jobId, Caller caller, RuntimeException e) {
    awaitRestore(true);
    synchronized (lock(jobId)) {
      if (jobs.containsKey(jobId)) {
        return jobs.get(jobId);
      }
      String claimed =
          spec.getClientJobId().isEmpty()
              ? null
              : byClientId.get(clientKey(caller.subject(), spec.getClientJobId()));
      if (claimed != null && jobs.containsKey(claimed)) {
        return jobs.get(claimed);
      }
      JobStatus s =
          JobMachine.rejected(jobId, spec, e.getMessage(), System.currentTimeMillis()).toBuilder()
              .setOwner(caller.subject())
              .build();
      commit(new JobMachine.Step(s, List.of(), true));
      metrics.counter("plora.jobs.rejected").increment();
      LOG.infof("job=%s rejected: %s", jobId, e.getMessage());
      return s;
    }
  }

  public void onOutcome(Outcome o) {
    awaitRestore(true);
    Optional<String> forged = outcomeCheck.problem(o);
    if (forged.isPresent()) {
      metrics.counter("plora.outcomes.refused").increment();
      LOG.warnf(
          "job=%s trial=%d stage=%s: outcome from worker '%s' refused: %s",
          o.getJobId(),
          o.getTrial(),
          JobMachine.stageName(o.getStage()),
          o.getWorker(),
          forged.get());
      return;
    }
    router.finished(o);
    synchronized (lock(o.getJobId())) {
      JobStatus s = jobs.get(o.getJobId());
      if (s == null) {
        LOG.warnf("outcome for unknown job %s ignored", o.getJobId());
        return;
      }
      JobMachine.Step step = JobMachine.apply(s, o, System.currentTimeMillis(), maxAttempts);
      if (!step.changed()) {
        LOG.debugf(
            "job=%s trial=%d: duplicate, stale or late %s outcome (attempt %d) ignored",
            o.getJobId(), o.getTrial(), o.getStage(), o.getAttempt());
        return;
      }
      if (!o.getOk() && o.getTransient() && !JobMachine.isTerminal(step.status().getState())) {
        metrics.counter("plora.tasks.reissued", "why", "transient").increment();
        LOG.warnf(
            "job=%s trial=%d stage=%s: attempt %d failed (transient: %s); re-issued",
            o.getJobId(),
            o.getTrial(),
            JobMachine.stageName(o.getStage()),
            o.getAttempt(),
            o.getError());
      }
      commit(step);
    }
  }

  /** A sign of life or a training step: renews the stage's deadline; steps also go to watchers. */
  public void onProgress(Progress p) {
    router.sign(p);
    JobStatus s = jobs.get(p.getJobId());
    if (s == null || JobMachine.isTerminal(s.getState())) {
      return;
    }
    deadlines.sign(p, System.currentTimeMillis());
    if (p.getHeartbeat()) {
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

  /** The stages past their deadline now (the supervisor's tick asks, then acts on them). */
  List<StageDeadlines.Expired> expired() {
    return deadlines == null ? List.of() : deadlines.expired(System.currentTimeMillis());
  }

  /** After the broker was away: every clock restarts, silence during the outage says nothing. */
  void renewDeadlines() {
    deadlines.renewAll(System.currentTimeMillis());
  }

  /** Re-issues a silent stage, or fails the job of a stage no worker ever started. */
  void onExpired(StageDeadlines.Expired e) {
    synchronized (lock(e.key().jobId())) {
      JobStatus s = jobs.get(e.key().jobId());
      if (s == null) {
        return;
      }
      long now = System.currentTimeMillis();
      JobMachine.Step step =
          e.neverStarted()
              ? JobMachine.giveUp(s, e.key().trial(), e.key().stage(), e.why(), now)
              : JobMachine.reissue(s, e.key().trial(), e.key().stage(), e.why(), maxAttempts, now);
      if (!step.changed()) {
        deadlines.sync(s, now);
        return;
      }
      metrics
          .counter("plora.tasks.reissued", "why", e.neverStarted() ? "never-started" : "silent")
          .increment();
      LOG.warnf(
          "job=%s trial=%d stage=%s: %s; %s",
          e.key().jobId(),
          e.key().trial(),
          JobMachine.stageName(e.key().stage()),
          e.why(),
          JobMachine.isTerminal(step.status().getState()) ? "the job failed" : "re-issued");
      commit(step);
    }
  }

  /**
   * A task a worker could not read (it is on the dead-letter topic): re-issue it, if it is the
   * attempt the job waits for.
   */
  void onDeadLetteredTask(TaskKey key, String reason) {
    awaitRestore(true);
    synchronized (lock(key.jobId())) {
      JobStatus s = jobs.get(key.jobId());
      if (s == null) {
        return;
      }
      boolean current =
          JobMachine.inFlight(s).stream()
              .anyMatch(
                  f ->
                      f.trial() == key.trial()
                          && f.stage() == key.stage()
                          && f.attempt() == key.attempt());
      if (!current) {
        return; // an older attempt, or the trial has moved on
      }
      String why =
          "the worker could not read attempt "
              + key.attempt()
              + " of the task (dead-lettered: "
              + reason
              + ")";
      JobMachine.Step step =
          JobMachine.reissue(
              s, key.trial(), key.stage(), why, maxAttempts, System.currentTimeMillis());
      if (step.changed()) {
        metrics.counter("plora.tasks.reissued", "why", "dead-letter").increment();
        LOG.warnf(
            "job=%s trial=%d stage=%s: %s; re-issued",
            key.jobId(), key.trial(), JobMachine.stageName(key.stage()), why);
        commit(step);
      }
    }
  }

  /**
   * Cancels a job: the CANCELLED state is written (and acknowledged) first, then the marker that
   * workers check before a stage and between training steps, so no later stage runs.
   */
  public Optional<JobStatus> cancel(String jobId, Caller caller) {
    awaitRestore(false);
    synchronized (lock(jobId)) {
      JobStatus s = jobs.get(jobId);
      if (s == null) {
        return Optional.empty();
      }
      checkOwner(s, caller);
      JobMachine.Step step = JobMachine.cancel(s, System.currentTimeMillis());
      if (step.changed()) {
        commit(step);
        store.markCancelled(jobId);
        LOG.infof("job=%s cancelled", jobId);
      }
      return Optional.of(step.status());
    }
  }

  /** What a delete did. */
  public record Deleted(String jobId, long bytesFreed) {}

  /**
   * Deletes an ended job: a tombstone replaces its record on the compacted state topic, its files
   * leave the store, and it leaves the table.
   *
   * @throws JobRunningException while the job has not ended (cancel it first)
   */
  public Optional<Deleted> delete(String jobId, Caller caller) {
    awaitRestore(false);
    Optional<Deleted> deleted = deleteLocked(jobId, caller);
    if (deleted.isPresent()) {
      locks.remove(jobId); // nothing of the job is left to serialize
    }
    return deleted;
  }

  private Optional<Deleted> deleteLocked(String jobId, Caller caller) {
    synchronized (lock(jobId)) {
      JobStatus s = jobs.get(jobId);
      if (s == null) {
        return Optional.empty();
      }
      checkOwner(s, caller);
      if (!JobMachine.isTerminal(s.getState())) {
        throw new JobRunningException(
            "job '"
                + jobId
                + "' is "
                + s.getState().name().replace("JOB_STATE_", "").toLowerCase(java.util.Locale.ROOT)
                + "; cancel it before deleting it");
      }
      publisher.tombstone(jobId);
      long bytes = deleteFiles(store.jobDir(jobId));
      jobs.remove(jobId);
      byClientId.remove(clientKey(s.getOwner(), s.getSpec().getClientJobId()), jobId);
      deadlines.forget(jobId);
      router.forget(jobId);
      metrics.counter("plora.jobs.deleted").increment();
      LOG.infof("job=%s deleted (%d bytes of files)", jobId, bytes);
      return Optional.of(new Deleted(jobId, bytes));
    }
  }

  /** Deletes ended jobs older than the retention (none when retention is 0); returns how many. */
  int applyRetention() {
    if (retention.isZero() || !ready()) {
      return 0;
    }
    long cutoff = System.currentTimeMillis() - retention.toMillis();
    int n = 0;
    for (JobStatus s : List.copyOf(jobs.values())) {
      if (JobMachine.isTerminal(s.getState()) && s.getUpdatedMs() < cutoff) {
        try {
          n += delete(s.getJobId(), SYSTEM).isPresent() ? 1 : 0;
        } catch (RuntimeException e) {
          LOG.warnf("job=%s: retention could not delete it: %s", s.getJobId(), e.getMessage());
        }
      }
    }
    return n;
  }

  private static long deleteFiles(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      long bytes = 0;
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isRegularFile(p)) {
          bytes += Files.size(p);
        }
        Files.delete(p);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A job, if it exists.
   *
   * @throws AccessDeniedException when it is not the caller's
   */
  public Optional<JobStatus> get(String jobId, Caller caller) {
    awaitRestore(false);
    Optional<JobStatus> s = Optional.ofNullable(jobs.get(jobId));
    s.ifPresent(j -> checkOwner(j, caller));
    return s;
  }

  /** The owner of a job, if it exists (for the artifact service's checks). */
  Optional<String> owner(String jobId) {
    return Optional.ofNullable(jobs.get(jobId)).map(JobStatus::getOwner);
  }

  private static void checkOwner(JobStatus s, Caller caller) {
    if (!caller.mayAccess(s.getOwner())) {
      throw new AccessDeniedException("job '" + s.getJobId() + "' belongs to another subject");
    }
  }

  /** A page of the caller's jobs (an admin's: all) in the given states (all when empty). */
  public Pages.Page<JobStatus> list(
      Collection<JobState> states, int pageSize, String pageToken, Caller caller) {
    awaitRestore(false);
    List<JobStatus> matching =
        jobs.values().stream()
            .filter(s -> caller.mayAccess(s.getOwner()))
            .filter(s -> states.isEmpty() || states.contains(s.getState()))
            .sorted(Comparator.comparing(JobOrchestrator::order))
            .toList();
    return Pages.of(matching, JobOrchestrator::order, pageSize, pageToken);
  }

  /** Oldest first; the id breaks ties. */
  private static String order(JobStatus s) {
    return String.format("%015d/%s", s.getCreatedMs(), s.getJobId());
  }

  /** Streams the job's status now, then every change and progress report until it ends. */
  public void watch(String jobId, Caller caller, StreamObserver<JobEvent> observer) {
    awaitRestore(false);
    synchronized (
        lock(jobId)) { // no transition can slip between the first event and the registration
      JobStatus s = Optional.ofNullable(jobs.get(jobId)).orElseThrow();
      checkOwner(s, caller);
      JobEvent now =
          JobEvent.newBuilder()
              .setJobId(jobId)
              .setTimeMs(System.currentTimeMillis())
              .setStatus(s)
              .build();
      List<WatchStream> list = watchers.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>());
      WatchStream[] self = new WatchStream[1];
      self[0] = new WatchStream(observer, () -> list.remove(self[0]));
      boolean ended = JobMachine.isTerminal(s.getState());
      if (!ended) {
        list.add(self[0]);
      }
      self[0].offer(now, ended);
    }
  }

  /** Events queued for slow watchers, over all streams (bounded per stream; a metric). */
  int watchBacklog() {
    return watchers.values().stream().flatMap(List::stream).mapToInt(WatchStream::backlog).sum();
  }

  private void commit(JobMachine.Step step) {
    publisher.tasks(step.tasks());
    JobStatus s = step.status();
    publisher.state(s);
    remember(s);
    deadlines.sync(s, System.currentTimeMillis());
    JobState st = s.getState();
    if (JobMachine.isTerminal(st)) {
      router.forget(s.getJobId());
      metrics.counter("plora.jobs.finished", "state", st.name()).increment();
      LOG.infof("job=%s %s %s", s.getJobId(), st, s.getReason());
    }
    notify(
        s.getJobId(),
        JobEvent.newBuilder()
            .setJobId(s.getJobId())
            .setTimeMs(s.getUpdatedMs())
            .setStatus(s)
            .build(),
        JobMachine.isTerminal(st));
  }

  private void notify(String jobId, JobEvent event, boolean last) {
    List<WatchStream> list = watchers.get(jobId);
    if (list == null) {
      return;
    }
    for (WatchStream w : list) {
      w.offer(event, last);
      if (w.isClosed()) {
        list.remove(w);
      }
    }
    if (last) {
      watchers.remove(jobId);
    }
  }

  private static String newId() {
    return "job-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** A task's record key: {@code job/trial/stage/attempt} (see {@link TaskPublisher}). */
  record TaskKey(String jobId, int trial, Stage stage, int attempt) {
    static Optional<TaskKey> parse(String key) {
      if (key == null) {
        return Optional.empty();
      }
      String[] p = key.split("/");
      if (p.length != 4) {
        return Optional.empty();
      }
      try {
        Stage stage =
            switch (p[2]) {
              case "discover" -> Stage.STAGE_DISCOVER;
              case "train" -> Stage.STAGE_TRAIN;
              case "evaluate" -> Stage.STAGE_EVALUATE;
              case "export" -> Stage.STAGE_EXPORT;
              default -> null;
            };
        return stage == null
            ? Optional.empty()
            : Optional.of(new TaskKey(p[0], Integer.parseInt(p[1]), stage, Integer.parseInt(p[3])));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}
