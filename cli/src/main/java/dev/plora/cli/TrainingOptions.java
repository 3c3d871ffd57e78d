package dev.plora.cli;

import dev.plora.engine.config.DeviceChoice;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.config.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * The training settings ({@code training.*} of the configuration model), shared by train and
 * discover (IMP).
 */
final class TrainingOptions {
  @Option(
      names = "--epochs",
      defaultValue = "${plora.defaults.training.epochs}",
      description = "default: ${DEFAULT-VALUE}")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "${plora.defaults.training.batchSize}",
      description = "default: ${DEFAULT-VALUE}")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "${plora.defaults.training.learningRate}",
      description = "peak learning rate (default: ${DEFAULT-VALUE})")
  double lr;

  @Option(
      names = "--weight-decay",
      defaultValue = "${plora.defaults.training.weightDecay}",
      description = "default: ${DEFAULT-VALUE}")
  double weightDecay;

  @Option(
      names = "--warmup",
      defaultValue = "${plora.defaults.training.warmupRatio}",
      description = "warmup fraction of steps (default: ${DEFAULT-VALUE})")
  double warmup;

  @Option(
      names = "--max-grad-norm",
      defaultValue = "${plora.defaults.training.maxGradNorm}",
      description = "0 disables clipping (default: ${DEFAULT-VALUE})")
  double maxGradNorm;

  @Option(
      names = "--sparse-lr-scaling",
      defaultValue = "${plora.defaults.training.sparseLrScaling}",
      description = "inverse-density or none (default: ${DEFAULT-VALUE})")
  String sparseLrScaling;

  @Option(
      names = "--max-len",
      defaultValue = "${plora.defaults.training.maxLength}",
      description = "default: ${DEFAULT-VALUE}")
  int maxLen;

  @Option(
      names = "--seed",
      defaultValue = "${plora.defaults.training.seed}",
      description = "default: ${DEFAULT-VALUE}")
  long seed;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "${plora.defaults.training.checkpointEvery}",
      description = "steps between checkpoints; 0 = at the end only (default: ${DEFAULT-VALUE})")
  int checkpointEvery;

  @Option(
      names = "--device",
      defaultValue = "${plora.defaults.training.device}",
      description = "cpu, gpu or auto (default: ${DEFAULT-VALUE})")
  String device;

  TrainingConfig config() {
    return TrainingConfig.builder()
        .epochs(epochs)
        .batchSize(batch)
        .learningRate(lr)
        .weightDecay(weightDecay)
        .warmupRatio(warmup)
        .maxGradNorm(maxGradNorm)
        .sparseLrScaling(SparseLrScaling.parse(sparseLrScaling))
        .maxLength(maxLen)
        .seed(seed)
        .checkpointEvery(checkpointEvery)
        .device(DeviceChoice.parse(device))
        .build();
  }
}
