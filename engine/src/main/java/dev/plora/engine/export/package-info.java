/**
 * Exports of trained runs: a merged ONNX model (adapters folded into the weights, the head appended
 * as standard ops, checked against the engine in ONNX Runtime), a PEFT LoRA adapter directory, and
 * a sparse adapter whose size follows the kept entries; plus ONNX Runtime prediction.
 */
package dev.plora.engine.export;
