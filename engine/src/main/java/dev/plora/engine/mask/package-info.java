/**
 * Mask discovery: {@link dev.plora.engine.mask.MaskPlan} (per-target densities and masks, saved as
 * {@code plan.json} + {@code masks.safetensors}) and the strategies that produce one: dense,
 * uniform, partial-lora (per-target density from the task-relevant subspace of the pretrained
 * weights), shuffled and low-rank controls. Every random choice takes an explicit seed.
 */
package dev.plora.engine.mask;
