package dev.plora.services.gateway;

import io.grpc.Metadata;
import io.quarkus.grpc.auth.GrpcSecurityMechanism;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import jakarta.inject.Singleton;

/**
 * Reads {@code authorization: Bearer <jwt>} from a gRPC call's metadata and hands the token to
 * SmallRye JWT, which verifies its signature (the operator's public key), issuer and expiry. A call
 * without the header stays anonymous: the services' {@code @RolesAllowed} then answer
 * UNAUTHENTICATED, while the health service remains open.
 */
@Singleton
public class BearerTokenMechanism implements GrpcSecurityMechanism {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";

  @Override
  public boolean handles(Metadata metadata) {
    String value = metadata.get(AUTHORIZATION);
    return value != null && value.regionMatches(true, 0, BEARER, 0, BEARER.length());
  }

  @Override
  public AuthenticationRequest createAuthenticationRequest(Metadata metadata) {
    String token = metadata.get(AUTHORIZATION).substring(BEARER.length()).trim();
    return new TokenAuthenticationRequest(new JsonWebTokenCredential(token));
  }
}
