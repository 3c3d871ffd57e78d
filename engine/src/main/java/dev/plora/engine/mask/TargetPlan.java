package dev.plora.engine.mask;

/**
 * What a plan decided for one target.
 *
 * @param density the target's density (the same for A and B)
 * @param keptA kept entries of {@code A [r, in]}
 * @param keptB kept entries of {@code B [out, r]}
 * @param k partial-lora's k_t (null for other strategies)
 * @param p partial-lora's number of directions min(in, out) (null otherwise)
 * @param topEnergyShare partial-lora: the largest direction's share of the task energy (null
 *     otherwise)
 */
public record TargetPlan(
    String module,
    long in,
    long out,
    double density,
    long keptA,
    long keptB,
    Integer k,
    Integer p,
    Double topEnergyShare) {}
