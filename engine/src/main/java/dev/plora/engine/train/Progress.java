package dev.plora.engine.train;

/**
 * A training progress report, sent after every step.
 *
 * @param step 1-based step just finished
 * @param totalSteps steps of the whole run
 * @param epoch 1-based epoch of that step
 * @param loss that step's training loss
 * @param learningRate the peak-relative learning rate used for that step
 * @param examplesPerSecond throughput since this run (or resume) started
 * @param etaSeconds estimated seconds to the end
 */
public record Progress(
    int step,
    int totalSteps,
    int epoch,
    double loss,
    double learningRate,
    double examplesPerSecond,
    double etaSeconds) {}
