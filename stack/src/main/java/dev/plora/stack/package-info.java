/**
 * The embedded stack and the gateway's client: {@link dev.plora.stack.LocalStack} starts the dev
 * broker and the five services as local processes (what {@code plora up} runs, and what the stack
 * tests drive), and {@link dev.plora.stack.MeshClient} talks to a gateway over gRPC. No Kafka.
 */
package dev.plora.stack;
