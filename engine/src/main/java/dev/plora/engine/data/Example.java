package dev.plora.engine.data;

/**
 * One labelled text, with an optional second segment (text pairs) and the line it came from.
 *
 * @param textPair null for single-text tasks
 * @param line 1-based line (JSONL) or record number (CSV) in the source, for error messages
 */
public record Example(String text, String textPair, String label, long line) {}
