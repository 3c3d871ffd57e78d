package dev.plora.experiments.sweep;

/**
 * One trained combination.
 *
 * @param density the requested density (uniform), or the plan's overall kept fraction
 * @param tau the Partial-LoRA threshold whose budget this run has (partial-lora, its controls,
 *     uniform matched to it), or NaN
 * @param adapterParams adapter entries this run trains (the head not included)
 * @param kept fraction of dense-LoRA adapter parameters this run trains (1 for dense LoRA)
 */
public record SweepRow(
    String strategy,
    double density,
    double tau,
    long seed,
    long trainableParams,
    long adapterParams,
    double kept,
    double accuracy,
    double macroF1,
    double mcc,
    double wallSeconds,
    String run) {}
