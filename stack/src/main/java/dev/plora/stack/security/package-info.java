/**
 * The embedded stack's security material, made at {@code plora up} the way Elasticsearch 8 makes
 * its own: a certificate authority and the certificates it signs (gateway gRPC, broker), the key
 * pair that signs bearer tokens and an admin token, and one SCRAM password per Kafka principal with
 * ready-made client configurations for operators. Everything secret is written owner-only.
 */
package dev.plora.stack.security;
