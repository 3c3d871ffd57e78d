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
 * change nothing.
 */
public final class JobMachine {
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
        b.addTrials(TrialStatus.newBuilder().setIndex(index++).setSeed(seed).setDensity(d));
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
    if (!o.getOk()) {
      String reason =
          String.format(
              "trial %d (seed %d) failed at %s: %s",
              trial.getIndex(), trial.getSeed(), stageName(o.getStage()), o.getError());
      return new Step(
          s.toBuilder()
              .setState(JobState.JOB_STATE_FAILED)
              .setReason(reason)
              .setUpdatedMs(nowMs)
              .build(),
          List.of(),
          true);
    }
    TrialStatus.Builder t = trial.toBuilder().setDone(o.getStage());
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
