package dev.plora.services.gateway;

import dev.plora.jobs.AccessDeniedException;
import dev.plora.jobs.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The {@link Caller} of a verified token: its subject, and whether it holds the admin role. */
final class Callers {
  static final String USER = "user";
  static final String ADMIN = "admin";

  static Caller of(SecurityIdentity identity) {
    if (identity == null || identity.isAnonymous()) {
      throw new io.quarkus.security.UnauthorizedException("no verified caller");
    }
    if (!identity.hasRole(USER) && !identity.hasRole(ADMIN)) {
      throw new AccessDeniedException("the token has neither the user nor the admin role");
    }
    return of(identity.getPrincipal() instanceof JsonWebToken jwt ? jwt : null, identity);
  }

  private static Caller of(JsonWebToken jwt, SecurityIdentity identity) {
    String subject =
        jwt != null && jwt.getSubject() != null
            ? jwt.getSubject()
            : identity.getPrincipal().getName();
    return new Caller(subject, identity.hasRole(ADMIN));
  }

  /** The caller of a token verified outside a gRPC call (a Kafka submission's header). */
  static Caller of(JsonWebToken jwt) {
    if (!jwt.getGroups().contains(USER) && !jwt.getGroups().contains(ADMIN)) {
      throw new AccessDeniedException(
          "the token of '" + jwt.getSubject() + "' has neither the user nor the admin role");
    }
    return new Caller(jwt.getSubject(), jwt.getGroups().contains(ADMIN));
  }

  private Callers() {}
}
