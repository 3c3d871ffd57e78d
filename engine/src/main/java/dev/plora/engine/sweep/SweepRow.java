package dev.plora.engine.sweep;

/**
 * One trained combination.
 *
 * @param kept fraction of dense-LoRA adapter parameters this run trains (1 for dense LoRA)
 * @param density the requested density (uniform), or the plan's overall kept fraction
 */
public record SweepRow(String strategy, double density, long seed, long trainableParams, double kept,
    double accuracy, double macroF1, double mcc, double wallSeconds, String run) {}
