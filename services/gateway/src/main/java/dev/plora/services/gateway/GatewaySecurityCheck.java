package dev.plora.services.gateway;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Secure by default: the gateway does not start without the key that verifies tokens, nor without a
 * TLS certificate for gRPC unless plaintext was asked for explicitly ({@code
 * PLORA_GRPC_PLAINTEXT=true}, e.g. behind a TLS-terminating mesh sidecar) — and then it says so.
 */
@ApplicationScoped
public class GatewaySecurityCheck {
  private static final Logger LOG = Logger.getLogger(GatewaySecurityCheck.class);

  @ConfigProperty(name = "mp.jwt.verify.publickey.location")
  Optional<String> publicKey;

  @ConfigProperty(name = "quarkus.grpc.server.ssl.certificate")
  Optional<String> certificate;

  @ConfigProperty(name = "plora.grpc.plaintext", defaultValue = "false")
  boolean plaintext;

  void check(@Observes StartupEvent e) {
    if (publicKey.isEmpty()) {
      throw new IllegalStateException(
          "no token verification key: set PLORA_JWT_PUBLIC_KEY (mp.jwt.verify.publickey.location) to"
              + " the PEM public key whose private half signs plora tokens (`plora up` makes one in"
              + " .plora/auth/)");
    }
    if (certificate.isEmpty() && !plaintext) {
      throw new IllegalStateException(
          "no TLS certificate for gRPC: set PLORA_GRPC_TLS_CERT and PLORA_GRPC_TLS_KEY (PEM), or"
              + " PLORA_GRPC_PLAINTEXT=true to serve plaintext deliberately");
    }
    if (certificate.isEmpty()) {
      LOG.warn(
          "gRPC is plaintext (PLORA_GRPC_PLAINTEXT=true): bearer tokens cross the network unencrypted");
    }
  }
}
