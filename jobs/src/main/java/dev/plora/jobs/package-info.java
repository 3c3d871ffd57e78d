/**
 * Jobs without a transport: a {@code JobSpec}'s defaults and validation (through the engine's
 * configuration model), the job state machine, the stage runner that turns a task into engine
 * calls, the artifact store and the proto-JSON codec. The mesh's services drive it over Kafka,
 * {@code plora run} in one process.
 */
package dev.plora.jobs;
