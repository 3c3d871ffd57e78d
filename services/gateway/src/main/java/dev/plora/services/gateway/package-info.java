/**
 * The gateway: the gRPC {@code JobService} and {@code ArtifactService}, Kafka ingress, and the
 * orchestrator — the single writer of job state, which drives the job state machine with
 * submissions and outcomes.
 */
package dev.plora.services.gateway;
