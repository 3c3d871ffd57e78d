/**
 * The configuration model: immutable records (model, data, LoRA, masks, strategy, training,
 * evaluation) validated at construction, with builders whose defaults are written once, here. Every
 * error is a {@link dev.plora.engine.config.ConfigException} naming the field ({@code
 * training.maxLength}); the CLI and the mesh translate the name into their own words.
 */
package dev.plora.engine.config;
