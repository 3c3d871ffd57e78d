package dev.plora.stack.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Mints the bearer tokens the gateway accepts: RS256 JWTs (jose4j) signed with the stack's private
 * key, verified by the gateway with the public key (SmallRye JWT). A token names its subject (the
 * owner of the jobs and uploads it makes) and one role in {@code groups}: {@code user} sees its own
 * jobs, {@code admin} every job.
 */
public final class TokenSigner {
  /** The {@code iss} claim the gateway requires ({@code mp.jwt.verify.issuer}). */
  public static final String ISSUER = "plora";

  /** Subjects become folder names ({@code uploads/<subject>/}): a conservative alphabet. */
  public static final Pattern SUBJECT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public static final Duration MAX_TTL = Duration.ofDays(366);

  /** A token's role. */
  public enum Role {
    USER,
    ADMIN;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
      for (Role r : values()) {
        if (r.id().equals(s)) {
          return r;
        }
      }
      throw new IllegalArgumentException("role must be user or admin, got '" + s + "'");
    }
  }

  private final PrivateKey key;

  private TokenSigner(PrivateKey key) {
    this.key = key;
  }

  /** The signing key at {@code privateKey} (owner-only), made with its public half if missing. */
  public static TokenSigner loadOrCreate(Path privateKey, Path publicKey) {
    if (Files.isRegularFile(privateKey) && Files.isRegularFile(publicKey)) {
      return new TokenSigner(Pem.readPrivateKey(privateKey));
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      SecretFiles.writeSecret(privateKey, Pem.encodePrivateKey(pair.getPrivate()));
      SecretFiles.writePublic(publicKey, Pem.encode(pair.getPublic()));
      return new TokenSigner(pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the token signing key: " + e.getMessage(), e);
    }
  }

  /** An existing key only (for {@code plora token}: minting must not make a new key silently). */
  public static TokenSigner load(Path privateKey) {
    if (!Files.isRegularFile(privateKey)) {
      throw new IllegalStateException(
          "no token signing key at "
              + privateKey
              + "; `plora up` creates it (or give the operator's key with --key)");
    }
    return new TokenSigner(Pem.readPrivateKey(privateKey));
  }

  /**
   * A signed token for {@code subject} with {@code role}, valid for {@code ttl}.
   *
   * @throws IllegalArgumentException for a subject outside {@link #SUBJECT} or a ttl out of range
   */
  public String mint(String subject, Role role, Duration ttl) {
    if (subject == null || !SUBJECT.matcher(subject).matches()) {
      throw new IllegalArgumentException(
          "subject must be 1-64 of a-z 0-9 . _ - starting with a letter or digit, got '"
              + subject
              + "'");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "ttl must be positive and at most " + MAX_TTL.toDays() + " days, got " + ttl);
    }
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setSubject(subject);
    claims.setClaim("upn", subject); // SmallRye JWT's principal name
    claims.setStringListClaim("groups", List.of(role.id()));
    claims.setIssuedAtToNow();
    claims.setNotBeforeMinutesInThePast(1);
    claims.setExpirationTimeMinutesInTheFuture(Math.max(1, ttl.toSeconds() / 60f));
    claims.setGeneratedJwtId();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setHeader("typ", "JWT");
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
  }
}
