/** LoRA adapters: which MatMuls of a graph can carry one (targets), and later their config and injection. */
package dev.plora.engine.lora;
