package dev.plora.jobs;

import dev.plora.proto.v1.DatasetSpec;
import dev.plora.proto.v1.ExportArtifact;
import dev.plora.proto.v1.JobEvent;
import dev.plora.proto.v1.JobSpec;
import dev.plora.proto.v1.JobState;
import dev.plora.proto.v1.JobStatus;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import dev.plora.proto.v1.TrialMetrics;
import dev.plora.proto.v1.TrialStatus;

/**
 * Every message the mesh sends over Kafka, filled in, run through the JSON codec once when a
 * service starts, so that the first job after {@code plora up} or a deploy does not pay for it on
 * each hop.
 */
public final class CodecWarmUp {
  public static void run() {
    JobSpec spec =
        JobSpecs.withDefaults(
            JobSpec.newBuilder()
                .setDataset(DatasetSpec.newBuilder().setTrainUri("uploads/warm-up/train.jsonl"))
                .build());
    TrialMetrics metrics =
        TrialMetrics.newBuilder().setAccuracy(0.5).setMacroF1(0.5).setTrainableParams(2).build();
    ExportArtifact export =
        ExportArtifact.newBuilder()
            .setFormat("onnx-merged")
            .setUri("jobs/warm-up/exports/model.onnx")
            .setBytes(1)
            .build();
    Progress progress =
        Progress.newBuilder()
            .setJobId("warm-up")
            .setStage(Stage.STAGE_TRAIN)
            .setStep(1)
            .setTotalSteps(2)
            .setLoss(0.5)
            .setExamplesPerSecond(1)
            .setEtaSeconds(1)
            .build();
    Task task =
        Task.newBuilder()
            .setJobId("warm-up")
            .setStage(Stage.STAGE_TRAIN)
            .setSpec(spec)
            .setSeed(1)
            .setDensity(0.5)
            .setPlanUri("jobs/warm-up/trial-0/plan")
            .build();
    Outcome outcome =
        Outcome.newBuilder()
            .setJobId("warm-up")
            .setStage(Stage.STAGE_EVALUATE)
            .setOk(true)
            .setMetrics(metrics)
            .addExports(export)
            .setWorker("warm-up")
            .build();
    JobStatus status =
        JobStatus.newBuilder()
            .setJobId("warm-up")
            .setSpec(spec)
            .setState(JobState.JOB_STATE_TRAINING)
            .addTrials(
                TrialStatus.newBuilder().setSeed(1).setDone(Stage.STAGE_TRAIN).setMetrics(metrics))
            .addExports(export)
            .setProgress(progress)
            .build();
    ProtoJson.warmUp(
        spec,
        task,
        outcome,
        progress,
        status,
        JobEvent.newBuilder().setJobId("warm-up").setStatus(status).build());
  }

  private CodecWarmUp() {}
}
