/**
 * Benchmark programs run by {@code bench/*.sh}: throughput, latency, accuracy and export
 * measurements. Compiled by the build, never run by the tests.
 */
package dev.plora.bench;
