package dev.plora.engine.lora;

/**
 * A MatMul that can carry a LoRA adapter: its second input is a 2-D float initializer {@code W0
 * [in, out]}.
 *
 * @param module the module name, e.g. {@code encoder.layer.0.attention.self.query}
 * @param nodeName the MatMul node's name
 * @param weightName the initializer holding W0
 * @param in rows of W0 (the input features)
 * @param out columns of W0 (the output features)
 */
public record TargetSite(String module, String nodeName, String weightName, long in, long out) {}
