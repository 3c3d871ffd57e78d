/**
 * Where models come from: the bundled default (all-MiniLM-L6-v2) or an {@code .onnx} + {@code
 * tokenizer.json} pair by path.
 */
package dev.plora.engine.model;
