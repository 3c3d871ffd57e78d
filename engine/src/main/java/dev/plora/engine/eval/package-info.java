/**
 * Evaluation: accuracy, macro-F1, Matthews correlation and confusion counts, and evaluation runs.
 */
package dev.plora.engine.eval;
