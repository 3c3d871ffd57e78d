package dev.plora.jobs;

import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import dev.plora.proto.v1.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The job state machine, free of any transport: the gateway drives it with Kafka outcomes, {@code
 * plora run} with direct calls. A job goes validate → discover → train → evaluate (every trial,
 * each at its own pace) → export the best trial → succeeded; any failed stage fails the job with
 * its reason. Outcomes for a stage a trial has already passed are duplicates (redelivery) and
 * change nothing; so are outcomes of an attempt older than the trial's current one.
 *
 * <p>Attempts: each trial records the attempt of the stage it is in (1 when dispatched). A stage is
 * re-issued with attempt + 1 when its worker reports a transient failure or when the transport's
 * supervision asks ({@link #reissue}: a deadline passed, the task was dead-lettered); after {@code
 * maxAttempts} the job fails with a reason naming trial, stage, attempts and the last error.
 */
public final class JobMachine {
  /** Attempts per stage unless configured otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** A stage a trial is waiting for: its task is queued or running. */
  public record InFlight(int trial, Stage stage, int attempt) {}

  /** The job after a transition, and the tasks to send for it (empty when nothing changed). */
  public record Step(JobStatus status, List<Task> tasks, boolean changed) {
    static Step unchanged(JobStatus s) {
      return new Step(s, List.of(), false);
    }
  }

  /** A validated spec (defaults applied) becomes a job with one discover task per trial. */
  public static Step start(String jobId, JobSpec spec, long nowMs) {
    JobStatus.Builder b =
        JobStatus.newBuilder()
            .setJobId(jobId)
            .setSpec(spec)
            .setState(JobState.JOB_STATE_DISCOVERING)
            .setCreatedMs(nowMs)
            .setUpdatedMs(nowMs)
            .setBestTrial(-1);
    List<Double> densities = JobSpecs.densities(spec);
    int index = 0;
    for (long seed : spec.getTrials().getSeedsList()) {
      for (double d : densities) {
        b.addTrials(
            TrialStatus.newBuilder().setIndex(index++).setSeed(seed).setDensity(d).setAttempt(1));
      }
    }
    JobStatus s = b.build();
    List<Task> tasks = new ArrayList<>();
    for (TrialStatus t : s.getTrialsList()) {
      tasks.add(task(s, t, Stage.STAGE_DISCOVER).build());
    }
    return new Step(s, tasks, true);
  }

  /** A job refused at validation: recorded as failed so a Kafka submitter can read why. */
  public static JobStatus rejected(String jobId, JobSpec spec, String reason, long nowMs) {
    return JobStatus.newBuilder()
        .setJobId(jobId)
        .setSpec(spec)
        .setState(JobState.JOB_STATE_FAILED)
        .setReason("invalid job spec: " + reason)
        .setCreatedMs(nowMs)
        .setUpdatedMs(nowMs)
        .setBestTrial(-1)
        .build();
  }

  public static Step apply(JobStatus s, Outcome o, long nowMs) {
    return apply(s, o, nowMs, DEFAULT_MAX_ATTEMPTS);
  }

  /** Applies a worker's outcome; a transient failure re-issues the stage while attempts remain. */
  public static Step apply(JobStatus s, Outcome o, long nowMs, int maxAttempts) {
    if (isTerminal(s.getState()) || o.getTrial() < 0 || o.getTrial() >= s.getTrialsCount()) {
      return Step.unchanged(s);
    }
    TrialStatus trial = s.getTrials(o.getTrial());
    if (trial.getDone().getNumber() >= o.getStage().getNumber()) {
      return Step.unchanged(s); // a duplicate: this trial is past that stage
    }
    if (trial.getDone().getNumber() != o.getStage().getNumber() - 1) {
      return Step.unchanged(s); // out of order: no task for that stage was issued
    }
    if (attempt(o.getAttempt()) != attempt(trial.getAttempt())) {
      // Older: a superseded attempt (the stage was re-issued since). Newer: no such task was
      // issued.
      return Step.unchanged(s);
    }
    if (o.getStage() == Stage.STAGE_EXPORT && o.getTrial() != s.getBestTrial()) {
      return Step.unchanged(s); // only the best trial is exported
    }
    if (!o.getOk()) {
      return o.getTransient()
          ? reissue(s, o.getTrial(), o.getStage(), o.getError(), maxAttempts, nowMs)
          : fail(s, trial, o.getStage(), o.getError(), nowMs);
    }
    TrialStatus.Builder t = trial.toBuilder().setDone(o.getStage()).setAttempt(1).clearLastError();
    switch (o.getStage()) {
      case STAGE_DISCOVER -> t.setPlanUri(o.getPlanUri());
      case STAGE_TRAIN -> t.setRunUri(o.getRunUri());
      case STAGE_EVALUATE -> t.setMetrics(o.getMetrics());
      default -> {}
    }
    JobStatus.Builder b = s.toBuilder().setTrials(o.getTrial(), t).setUpdatedMs(nowMs);
    List<Task> tasks = new ArrayList<>();
    switch (o.getStage()) {
      case STAGE_DISCOVER -> tasks.add(task(b.build(), t.build(), Stage.STAGE_TRAIN).build());
      case STAGE_TRAIN -> tasks.add(task(b.build(), t.build(), Stage.STAGE_EVALUATE).build());
      case STAGE_EVALUATE -> {
        if (b.getTrialsList().stream().allMatch(x -> x.getDone() == Stage.STAGE_EVALUATE)) {
          TrialStatus best = best(b.getTrialsList());
          b.setBestTrial(best.getIndex());
          tasks.add(task(b.build(), best, Stage.STAGE_EXPORT).build());
        }
      }
      case STAGE_EXPORT ->
          b.addAllExports(o.getExportsList())
              .setState(JobState.JOB_STATE_SUCCEEDED)
              .clearProgress();
      default -> {}
    }
    if (o.getStage() != Stage.STAGE_EXPORT) {
      b.setState(stateOf(b.getTrialsList()));
    }
    return new Step(b.build(), tasks, true);
  }

  /**
   * Re-issues the stage a trial is in with attempt + 1, or — when {@code maxAttempts} are used up —
   * fails the job naming trial, stage, attempts and {@code why} (the last error). A request for a
   * stage the trial is not in (it moved on meanwhile) changes nothing.
   */
  public static Step reissue(
      JobStatus s, int trialIndex, Stage stage, String why, int maxAttempts, long nowMs) {
    if (isTerminal(s.getState())
        || inFlight(s).stream().noneMatch(f -> f.trial() == trialIndex && f.stage() == stage)) {
      return Step.unchanged(s);
    }
    TrialStatus trial = s.getTrials(trialIndex);
    int attempt = attempt(trial.getAttempt());
    if (attempt >= maxAttempts) {
      return fail(
          s,
          trial,
          stage,
          "gave up after "
              + attempt
              + " attempt"
              + (attempt == 1 ? "" : "s")
              + "; the last: "
              + why,
          nowMs);
    }
    TrialStatus next = trial.toBuilder().setAttempt(attempt + 1).setLastError(why).build();
    JobStatus b = s.toBuilder().setTrials(trialIndex, next).setUpdatedMs(nowMs).build();
    return new Step(b, List.of(task(b, next, stage).build()), true);
  }

  /**
   * Fails the job because a stage it waits for cannot finish ({@code why}: e.g. no worker took its
   * task in time). A stage the trial is no longer in changes nothing.
   */
  public static Step giveUp(JobStatus s, int trialIndex, Stage stage, String why, long nowMs) {
    if (isTerminal(s.getState())
        || inFlight(s).stream().noneMatch(f -> f.trial() == trialIndex && f.stage() == stage)) {
      return Step.unchanged(s);
    }
    return fail(s, s.getTrials(trialIndex), stage, why, nowMs);
  }

  /**
   * The stages the job waits for, with their attempts: each unfinished trial's next stage before
   * evaluation, then the best trial's export.
   */
  public static List<InFlight> inFlight(JobStatus s) {
    List<InFlight> out = new ArrayList<>();
    if (isTerminal(s.getState())) {
      return out;
    }
    boolean allEvaluated = true;
    for (TrialStatus t : s.getTrialsList()) {
      if (t.getDone().getNumber() < Stage.STAGE_EVALUATE_VALUE) {
        allEvaluated = false;
        out.add(
            new InFlight(
                t.getIndex(),
                Stage.forNumber(t.getDone().getNumber() + 1),
                attempt(t.getAttempt())));
      }
    }
    if (allEvaluated && s.getBestTrial() >= 0) {
      TrialStatus best = s.getTrials(s.getBestTrial());
      out.add(new InFlight(best.getIndex(), Stage.STAGE_EXPORT, attempt(best.getAttempt())));
    }
    return out;
  }

  private static Step fail(JobStatus s, TrialStatus trial, Stage stage, String error, long nowMs) {
    String reason =
        String.format(
            "trial %d (seed %d) failed at %s: %s",
            trial.getIndex(), trial.getSeed(), stageName(stage), error);
    return new Step(
        s.toBuilder()
            .setState(JobState.JOB_STATE_FAILED)
            .setReason(reason)
            .setUpdatedMs(nowMs)
            .build(),
        List.of(),
        true);
  }

  /** Attempts are 1-based; records written before attempts were tracked say 0. */
  private static int attempt(int recorded) {
    return Math.max(1, recorded);
  }

  public static Step cancel(JobStatus s, long nowMs) {
    if (isTerminal(s.getState())) {
      return Step.unchanged(s);
    }
    return new Step(
        s.toBuilder()
            .setState(JobState.JOB_STATE_CANCELLED)
            .setReason("cancelled by request")
            .setUpdatedMs(nowMs)
            .build(),
        List.of(),
        true);
  }

  public static boolean isTerminal(JobState state) {
    return state == JobState.JOB_STATE_SUCCEEDED
        || state == JobState.JOB_STATE_FAILED
        || state == JobState.JOB_STATE_CANCELLED;
  }

  /** Highest accuracy; ties go to fewer trainable parameters, then to the lower index. */
  static TrialStatus best(List<TrialStatus> trials) {
    return trials.stream()
        .min(
            Comparator.<TrialStatus>comparingDouble(t -> -t.getMetrics().getAccuracy())
                .thenComparingLong(t -> t.getMetrics().getTrainableParams())
                .thenComparingInt(TrialStatus::getIndex))
        .orElseThrow();
  }

  /** The job is in the stage of its least advanced trial. */
  private static JobState stateOf(List<TrialStatus> trials) {
    int least = trials.stream().mapToInt(t -> t.getDone().getNumber()).min().orElse(0);
    return switch (least) {
      case 0 -> JobState.JOB_STATE_DISCOVERING;
      case 1 -> JobState.JOB_STATE_TRAINING;
      case 2 -> JobState.JOB_STATE_EVALUATING;
      default -> JobState.JOB_STATE_EXPORTING;
    };
  }

  private static Task.Builder task(JobStatus s, TrialStatus t, Stage stage) {
    return Task.newBuilder()
        .setJobId(s.getJobId())
        .setTrial(t.getIndex())
        .setStage(stage)
        .setAttempt(attempt(t.getAttempt()))
        .setSpec(s.getSpec())
        .setSeed(t.getSeed())
        .setDensity(t.getDensity())
        .setPlanUri(t.getPlanUri())
        .setRunUri(t.getRunUri());
  }

  public static String stageName(Stage s) {
    return switch (s) {
      case STAGE_DISCOVER -> "discover";
      case STAGE_TRAIN -> "train";
      case STAGE_EVALUATE -> "evaluate";
      case STAGE_EXPORT -> "export";
      default -> "unknown stage";
    };
  }

  private JobMachine() {}
}
