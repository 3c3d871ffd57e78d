package dev.plora.engine.train;

import java.util.List;

/**
 * What a training run did.
 *
 * @param completed false when it stopped early on request (a checkpoint was written)
 * @param losses the loss of every step this run executed (after a resume: from the resumed step on)
 * @param firstStep the 1-based step this run started at (1, or the resumed step + 1)
 * @param optimizerStateBytes AdamW moment bytes at the end
 */
public record TrainingResult(
    boolean completed,
    int steps,
    int totalSteps,
    int firstStep,
    List<Double> losses,
    double wallSeconds,
    double examplesPerSecond,
    int trainExamples,
    long optimizerStateBytes) {}
