package dev.plora.cli;

import dev.plora.stack.security.StackSecurity;
import dev.plora.stack.security.TokenSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code plora token}: mints a bearer token for the gateway from the stack's signing key. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Mint a bearer token (JWT, RS256) for the gateway, signed with the embedded stack's key"
          + " (<stack-home>/auth/jwt-private.pem, made by `plora up`) or the operator's (--key).",
      "The subject owns the jobs and uploads made with the token; a user sees only its own jobs, an"
          + " admin every job. Use it with --token-file FILE or PLORA_TOKEN=...; over Kafka, send it in"
          + " an 'authorization: Bearer <token>' record header."
    })
final class TokenCommand implements Callable<Integer> {
  @Option(
      names = "--subject",
      required = true,
      paramLabel = "NAME",
      description = "who the token speaks for: 1-64 of a-z 0-9 . _ - (e.g. alice)")
  String subject;

  @Option(
      names = "--role",
      defaultValue = "user",
      paramLabel = "ROLE",
      description = "user (own jobs only) or admin (every job) (default: ${DEFAULT-VALUE})")
  String role;

  @Option(
      names = "--ttl",
      defaultValue = "24h",
      paramLabel = "DURATION",
      description =
          "how long the token is valid: 90m, 24h, 30d (at most 366d; default: ${DEFAULT-VALUE})")
  String ttl;

  @Option(
      names = "--key",
      paramLabel = "PEM",
      description = "the private signing key (default: <stack-home>/auth/jwt-private.pem)")
  Path key;

  @Option(
      names = "--stack-home",
      description = "the embedded stack's state folder (default: <repo>/.plora)")
  Path home;

  @Override
  public Integer call() {
    Path stackHome = home != null ? home : StackOptions.repoRoot().resolve(".plora");
    TokenSigner signer =
        key != null ? TokenSigner.load(key) : new StackSecurity(stackHome).signer();
    System.out.println(signer.mint(subject, TokenSigner.Role.parse(role), parseTtl(ttl)));
    return 0;
  }

  /** {@code 90m}, {@code 24h}, {@code 30d}, or an ISO-8601 duration ({@code PT8H}). */
  static Duration parseTtl(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.matches("[0-9]+[smhd]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--ttl: '" + s + "' is not a duration (e.g. 90m, 24h, 30d)");
    }
  }
}
