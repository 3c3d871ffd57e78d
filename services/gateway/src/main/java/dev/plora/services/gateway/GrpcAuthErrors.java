package dev.plora.services.gateway;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;

/**
 * gRPC's status codes for security failures, as gRPC defines them: a call with no credentials or
 * bad ones is UNAUTHENTICATED (Quarkus answers PERMISSION_DENIED for the former: its {@code
 * UnauthorizedException} is a {@code SecurityException}); a verified caller who may not do this is
 * PERMISSION_DENIED.
 */
@Singleton
public class GrpcAuthErrors implements AuthExceptionHandlerProvider {
  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1;
  }

  @Override
  public <ReqT, RespT> AuthExceptionHandler<ReqT, RespT> createHandler(
      ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
    return new AuthExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(
          Throwable t, ServerCall<ReqT, RespT> serverCall, Metadata trailers) {
        if (handlesException(t)) {
          serverCall.close(status(t), trailers);
        } else {
          super.handleException(t, serverCall, trailers);
        }
      }
    };
  }

  @Override
  public StatusException transformToStatusException(Throwable t) {
    return new StatusException(status(t));
  }

  @Override
  public boolean handlesException(Throwable t) {
    return t instanceof AuthenticationException || t instanceof SecurityException;
  }

  static Status status(Throwable t) {
    if (t instanceof AuthenticationException || t instanceof UnauthorizedException) {
      return Status.UNAUTHENTICATED.withDescription(
          "a valid bearer token is required (authorization: Bearer <jwt>; mint one with `plora token`)");
    }
    return Status.PERMISSION_DENIED.withDescription(
        "this token's role may not call this (user or admin needed)");
  }
}
