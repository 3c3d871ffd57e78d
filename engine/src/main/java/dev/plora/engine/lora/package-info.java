/**
 * LoRA adapters on ONNX graphs: which MatMuls can carry one ({@link
 * dev.plora.engine.lora.TargetSites}), the adapter config and target matching, fixed binary masks,
 * the masked adapter layer that wraps its target MatMul, the classification head, and the assembled
 * {@link dev.plora.engine.lora.AdaptedModel}.
 */
package dev.plora.engine.lora;
