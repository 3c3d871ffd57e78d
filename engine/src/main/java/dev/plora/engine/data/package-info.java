/**
 * Labelled text: datasets (JSONL and CSV), the label set, seeded batching, stratified splits and
 * few-shot sampling, and the HuggingFace tokenizer.
 */
package dev.plora.engine.data;
