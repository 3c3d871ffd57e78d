package dev.plora.devbroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The dev broker's security settings, from the files {@code plora up} made: clients connect over
 * SASL_SSL with SCRAM-SHA-512 (one principal per service); the broker's own connections
 * (controller, inter-broker) and the provisioning admin client use an mTLS listener that accepts
 * only certificates of the stack's CA, whose broker certificate is the only super user.
 *
 * @param keystore PKCS#12 with the broker's certificate and key
 * @param keystorePassword its password
 * @param caPem the CA certificate every peer must chain to
 * @param users one {@code NAME.password} file per SCRAM principal
 */
record BrokerSecurity(Path keystore, String keystorePassword, Path caPem, Path users) {
  /** The broker certificate's subject, and so its principal on the mTLS listeners. */
  static final String BROKER_PRINCIPAL = "User:CN=plora-broker";

  static final String MECHANISM = "SCRAM-SHA-512";

  static BrokerSecurity of(Path keystore, Path keystorePasswordFile, Path caPem, Path users) {
    for (Path p : new Path[] {keystore, keystorePasswordFile, caPem}) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("dev-broker: no file " + p);
      }
    }
    if (!Files.isDirectory(users)) {
      throw new IllegalArgumentException("dev-broker: no directory " + users);
    }
    try {
      return new BrokerSecurity(
          keystore, Files.readString(keystorePasswordFile).trim(), caPem, users);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Listener and authorizer settings on top of the plain ones. */
  void apply(Properties p, int port, int internalPort, int controller) {
    p.setProperty(
        "listeners",
        "SASL_SSL://127.0.0.1:"
            + port
            + ",INTERNAL://127.0.0.1:"
            + internalPort
            + ",CONTROLLER://127.0.0.1:"
            + controller);
    p.setProperty(
        "advertised.listeners",
        "SASL_SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort);
    p.setProperty(
        "listener.security.protocol.map", "SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
    p.setProperty("inter.broker.listener.name", "INTERNAL");
    p.setProperty("sasl.enabled.mechanisms", MECHANISM);
    p.setProperty(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.putAll(ssl());
    p.setProperty("listener.name.internal.ssl.client.auth", "required");
    p.setProperty("listener.name.controller.ssl.client.auth", "required");
    p.setProperty(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.setProperty("super.users", BROKER_PRINCIPAL);
    p.setProperty("allow.everyone.if.no.acl.found", "false");
  }

  /** The keystore and truststore, for the broker and for the provisioning admin client. */
  Map<String, String> ssl() {
    Map<String, String> s = new TreeMap<>();
    s.put("ssl.keystore.type", "PKCS12");
    s.put("ssl.keystore.location", keystore.toString());
    s.put("ssl.keystore.password", keystorePassword);
    s.put("ssl.key.password", keystorePassword);
    s.put("ssl.truststore.type", "PEM");
    s.put("ssl.truststore.location", caPem.toString());
    return s;
  }

  /** Principal name → SCRAM password, from {@code users/NAME.password}. */
  Map<String, String> passwords() {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(users)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".password")).toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.password$", "");
        out.put(name, Files.readString(f, StandardCharsets.UTF_8).trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + users + ": " + e.getMessage(), e);
    }
    return out;
  }
}
