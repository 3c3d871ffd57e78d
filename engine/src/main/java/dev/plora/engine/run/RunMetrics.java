package dev.plora.engine.run;

import java.util.List;

/**
 * A run's {@code metrics.json}: quality on the evaluation data and what the run cost.
 *
 * @param evaluatedOn "eval" (the evaluation data) or "train" when no evaluation data was given
 * @param trainableParams non-zero mask entries plus head parameters
 * @param reductionVsDense fraction of dense-LoRA adapter parameters not trained
 */
public record RunMetrics(
    double accuracy,
    double macroF1,
    double mcc,
    String evaluatedOn,
    int evalExamples,
    List<String> labels,
    long[][] confusion,
    long trainableParams,
    long adapterParams,
    long denseLoraParams,
    long headParams,
    double reductionVsDense,
    int trainExamples,
    int epochs,
    int steps,
    double finalLoss,
    double wallSeconds,
    double examplesPerSecond,
    long optimizerStateBytes,
    String device) {}
