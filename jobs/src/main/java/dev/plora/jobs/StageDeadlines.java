package dev.plora.jobs;

import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deadlines of dispatched stages, for the gateway's supervision (pure: the caller supplies the
 * clock). A stage's task is <em>queued</em> from dispatch until its worker's first sign of life
 * (heartbeat or progress), then <em>running</em>. A running task silent for longer than {@code
 * silence} is presumed lost (its worker died, or its outcome was lost): re-issue it. A queued task
 * no worker started within {@code queue} is never going to run: fail its job. Thread-safe.
 */
public final class StageDeadlines {
  /** One stage of one trial of one job. */
  public record Key(String jobId, int trial, Stage stage) {}

  /** A stage past its deadline: re-issue it ({@code neverStarted} false) or give up on it. */
  public record Expired(Key key, int attempt, boolean neverStarted, String why) {}

  private static final class Watch {
    final int attempt;
    long dispatchedMs;
    long lastSignMs;
    boolean started;

    Watch(int attempt, long now) {
      this.attempt = attempt;
      this.dispatchedMs = now;
      this.lastSignMs = now;
    }
  }

  private final Duration silence;
  private final Duration queue;
  private final Map<Key, Watch> watches = new HashMap<>();

  public StageDeadlines(Duration silence, Duration queue) {
    this.silence = silence;
    this.queue = queue;
  }

  /**
   * Watches exactly the stages the job now waits for: a stage newly in flight (or re-issued with a
   * new attempt) starts queued at {@code now}; stages no longer in flight are forgotten.
   */
  public synchronized void sync(JobStatus s, long now) {
    Map<Key, Integer> inFlight =
        JobMachine.inFlight(s).stream()
            .collect(
                Collectors.toMap(
                    f -> new Key(s.getJobId(), f.trial(), f.stage()),
                    JobMachine.InFlight::attempt));
    watches.keySet().removeIf(k -> k.jobId().equals(s.getJobId()) && !inFlight.containsKey(k));
    inFlight.forEach(
        (k, attempt) -> {
          Watch w = watches.get(k);
          if (w == null || w.attempt != attempt) {
            watches.put(k, new Watch(attempt, now));
          }
        });
  }

  /** A sign of life from a task: its stage is running (if the attempt is the watched one). */
  public synchronized void sign(Progress p, long now) {
    Watch w = watches.get(new Key(p.getJobId(), p.getTrial(), p.getStage()));
    if (w != null && Math.max(1, p.getAttempt()) == w.attempt) {
      w.started = true;
      w.lastSignMs = now;
    }
  }

  /**
   * Restarts every clock at {@code now}: after the gateway could not hear from the workers (the
   * broker was away), silence says nothing about them.
   */
  public synchronized void renewAll(long now) {
    for (Watch w : watches.values()) {
      w.lastSignMs = now;
      if (!w.started) {
        w.dispatchedMs = now;
      }
    }
  }

  /** The stages past their deadline at {@code now}. */
  public synchronized List<Expired> expired(long now) {
    List<Expired> out = new ArrayList<>();
    watches.forEach(
        (k, w) -> {
          String stage = JobMachine.stageName(k.stage());
          if (w.started && now - w.lastSignMs > silence.toMillis()) {
            out.add(
                new Expired(
                    k,
                    w.attempt,
                    false,
                    "attempt "
                        + w.attempt
                        + " gave no sign of life for "
                        + silence.toSeconds()
                        + " s (its worker died, or its outcome was lost)"));
          } else if (!w.started && now - w.dispatchedMs > queue.toMillis()) {
            out.add(
                new Expired(
                    k,
                    w.attempt,
                    true,
                    "no "
                        + stage
                        + " worker started the task within "
                        + queue.toMinutes()
                        + " min (is one running and reaching Kafka?)"));
          }
        });
    return out;
  }

  /** The stages watched for a job (tests, metrics). */
  public synchronized Set<Key> watched(String jobId) {
    return watches.keySet().stream()
        .filter(k -> k.jobId().equals(jobId))
        .collect(Collectors.toSet());
  }

  public synchronized void forget(String jobId) {
    watches.keySet().removeIf(k -> k.jobId().equals(jobId));
  }
}
