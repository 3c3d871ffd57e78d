/** A real single-node Kafka (KRaft broker and controller) from the Maven jars, on loopback. */
package dev.plora.devbroker;
