/**
 * The task worker every stage service runs: consumes one task topic, runs each task through the
 * stage runner off the poll thread, publishes progress and the outcome.
 */
package dev.plora.services.worker;
