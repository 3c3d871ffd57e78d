package dev.plora.services.support;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jboss.logging.Logger;

/**
 * The connection settings of this service's Kafka clients (bootstrap servers and security: {@code
 * kafka.*} in the configuration), for the clients a service makes itself (the gateway's producer,
 * admin and restore consumer) — the channels get the same from SmallRye. At startup it checks that
 * a secured protocol has its credentials, so a missing secret stops the service with the reason
 * instead of a stream of authentication errors.
 */
@ApplicationScoped
public class KafkaClientConfig {
  private static final Logger LOG = Logger.getLogger(KafkaClientConfig.class);

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  void check(@Observes StartupEvent e) {
    String protocol = String.valueOf(kafka.getOrDefault("security.protocol", "PLAINTEXT"));
    if (protocol.startsWith("SASL") && !kafka.containsKey("sasl.jaas.config")) {
      throw new IllegalStateException(
          "Kafka security.protocol is "
              + protocol
              + " but no credentials are configured: set PLORA_KAFKA_JAAS (kafka.sasl.jaas.config) to this"
              + " service's SCRAM login, e.g. from its KafkaUser secret");
    }
    if (protocol.endsWith("SSL") && !kafka.containsKey("ssl.truststore.location")) {
      LOG.warn(
          "Kafka over TLS without PLORA_KAFKA_CA: the broker's certificate must chain to the JVM's"
              + " default trust store");
    }
    if (protocol.equals("PLAINTEXT")) {
      LOG.warn(
          "Kafka security.protocol=PLAINTEXT: this service's Kafka traffic is neither authenticated"
              + " nor encrypted");
    }
  }

  /**
   * An admin client on {@link #connection()} whose calls give up after {@code timeoutMs}, for the
   * gateway's periodic checks (a broker outage must not hang them).
   */
  public Admin admin(int timeoutMs) {
    Properties p = new Properties();
    p.putAll(connection());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    return Admin.create(p);
  }

  /** Bootstrap servers and the security settings, for a client of our own. */
  public Map<String, Object> connection() {
    Map<String, Object> out = new HashMap<>();
    kafka.forEach(
        (k, v) -> {
          if (k.equals("bootstrap.servers")
              || k.equals("security.protocol")
              || k.startsWith("sasl.")
              || k.startsWith("ssl.")) {
            out.put(k, v);
          }
        });
    return out;
  }
}
