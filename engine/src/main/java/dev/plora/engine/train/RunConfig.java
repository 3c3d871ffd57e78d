package dev.plora.engine.train;

import java.util.List;

/**
 * Everything needed to rebuild a trained model: written to a run's {@code config.json} (format
 * {@code plora-run}, version 1).
 *
 * @param model "default" or the path of the .onnx file
 * @param tokenizer the tokenizer.json used
 * @param density uniform mask density when {@code masksFile} is null (1 = dense LoRA)
 * @param masksFile a masks safetensors file the masks came from, or null
 * @param maskSeed seed of uniform masks
 * @param sparseLrScaling "inverse-density" or "none"
 * @param device "cpu", "gpu" or "auto"
 */
public record RunConfig(
    String format,
    int version,
    String model,
    String tokenizer,
    String train,
    String eval,
    String textField,
    String textPairField,
    String labelField,
    List<String> labels,
    int rank,
    double alpha,
    double dropout,
    List<String> targetPatterns,
    List<String> targets,
    double density,
    String masksFile,
    long maskSeed,
    String pooling,
    int maxLength,
    int epochs,
    int batchSize,
    double learningRate,
    double weightDecay,
    double warmupRatio,
    double maxGradNorm,
    long seed,
    int checkpointEvery,
    String sparseLrScaling,
    String device) {
  public static final String FORMAT = "plora-run";
  public static final int VERSION = 1;
}
