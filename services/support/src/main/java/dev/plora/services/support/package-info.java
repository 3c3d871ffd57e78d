/**
 * What the gateway and the stage workers share: the artifact store bean, acknowledged Kafka sends,
 * and the topics with their partitions and settings.
 */
package dev.plora.services.support;
