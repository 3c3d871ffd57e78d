/**
 * Training masked LoRA adapters: AdamW whose state exists only for kept entries, linear warmup and
 * decay, gradient-norm clipping, checkpoints that resume bit-exactly, and progress reporting.
 */
package dev.plora.engine.train;
