/**
 * The graph optimiser plora runs on a model before executing it: passes that replace decomposed
 * patterns (layer norm, erf GELU) with single fused PyTorch kernels, keeping every value name the
 * rest of the engine uses (LoRA targets, observed activations, outputs). Each pass is one class.
 */
package dev.plora.engine.runtime.optimize;
