/**
 * The paper's experiment as one command: every strategy × density × seed discovered, trained and
 * evaluated through the engine's entry points, then {@code results.csv}, {@code report.md} (mean ±
 * std over seeds) and {@code lth-curve.png}. A sweep that stops continues where it stopped.
 */
package dev.plora.experiments.sweep;
