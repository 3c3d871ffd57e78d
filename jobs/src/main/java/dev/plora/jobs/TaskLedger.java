package dev.plora.jobs;

import dev.plora.engine.base.AtomicFiles;
import dev.plora.proto.v1.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * What workers note in the artifact store about each stage of each trial ({@code
 * jobs/<id>/trial-<n>/tasks/}):
 *
 * <ul>
 *   <li>{@code <stage>.starts} — one line per start since the stage last finished, so a task that
 *       kills its worker every time (out of memory, a native crash) is recognised and failed
 *       instead of being redelivered forever;
 *   <li>{@code <stage>.lease} — the attempt (and a token unique to one run of it) that owns the
 *       stage's outputs. A task older than the lease's attempt is dropped; a running task checks
 *       between steps that it still holds the lease and stops at once when a newer run took it
 *       over, so two attempts never write the same run directory at the same time.
 * </ul>
 */
public final class TaskLedger {
  private final ArtifactStore store;

  public TaskLedger(ArtifactStore store) {
    this.store = store;
  }

  /** A held lease: whether this run of the task still owns the stage. */
  public interface Lease {
    boolean held();
  }

  /**
   * Records a start of the task's stage; returns how many times it has started since it last
   * finished, this start included.
   */
  public int started(Task task, String worker) {
    Path file = file(task, ".starts");
    try {
      Files.createDirectories(file.getParent());
      String line =
          "attempt "
              + task.getAttempt()
              + " on "
              + worker
              + " at "
              + System.currentTimeMillis()
              + "\n";
      Files.writeString(
          file,
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
      try (var lines = Files.lines(file)) {
        return (int) lines.filter(l -> !l.isBlank()).count();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot record the start of " + describe(task) + ": " + e.getMessage(), e);
    }
  }

  /** The stage finished (its outcome was published): its starts are forgotten. */
  public void finished(Task task) {
    try {
      Files.deleteIfExists(file(task, ".starts"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Takes the stage's lease for this run of the task, unless a newer attempt holds it (then empty:
   * the task is stale and must not run).
   */
  public Optional<Lease> take(Task task, String worker) {
    Path file = file(task, ".lease");
    try {
      Files.createDirectories(file.getParent());
      if (Files.isRegularFile(file)) {
        int holder = Integer.parseInt(Files.readString(file).split(" ", 2)[0].trim());
        if (holder > task.getAttempt()) {
          return Optional.empty();
        }
      }
      String token = UUID.randomUUID().toString();
      byte[] content =
          (task.getAttempt() + " " + token + " " + worker + "\n").getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(file, out -> out.write(content));
      return Optional.of(() -> holds(file, token));
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException(
          "cannot take the lease of " + describe(task) + ": " + e.getMessage(), e);
    }
  }

  private static boolean holds(Path file, String token) {
    try {
      return Files.readString(file).contains(" " + token + " ");
    } catch (IOException e) {
      return true; // unreadable for a moment: keep going, the next check decides
    }
  }

  private Path file(Task task, String suffix) {
    return store
        .trialDir(task.getJobId(), task.getTrial())
        .resolve("tasks")
        .resolve(JobMachine.stageName(task.getStage()) + suffix);
  }

  static String describe(Task task) {
    return JobMachine.stageName(task.getStage())
        + " task of job "
        + task.getJobId()
        + " trial "
        + task.getTrial();
  }
}
