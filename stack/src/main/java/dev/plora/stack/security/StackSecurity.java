package dev.plora.stack.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * The embedded stack's security material under its home, made by {@link #ensure} (at every {@code
 * plora up}: what exists is kept, what is missing or about to expire is made):
 *
 * <pre>
 * tls/ca.pem, ca.key             the stack's CA (clients trust ca.pem)
 * tls/gateway.pem, gateway.key   the gateway's gRPC certificate (127.0.0.1, localhost)
 * tls/broker.p12, broker.password  the broker's certificate (its listeners, its super user)
 * auth/jwt-public.pem            what the gateway verifies tokens with
 * auth/jwt-private.pem           what `plora token` signs with
 * auth/admin.token               an admin token for the CLI (renewed when it has less than a day)
 * kafka/users/NAME.password      one SCRAM password per Kafka principal
 * kafka/client.properties, kcat.conf   operator client configurations
 * kafka/SERVICE.env              a service's JAAS line, for docker-compose.yml's env_file
 * </pre>
 *
 * Private keys, passwords, tokens and the client configurations are owner-only.
 */
public final class StackSecurity {
  private static final Duration CERT_VALIDITY = Duration.ofDays(397);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final Duration ADMIN_TOKEN_TTL = Duration.ofDays(30);
  private static final List<String> LOOPBACK = List.of("127.0.0.1", "localhost", "::1");

  private final Path home;

  public StackSecurity(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  public Path caPem() {
    return home.resolve("tls/ca.pem");
  }

  public Path gatewayCert() {
    return home.resolve("tls/gateway.pem");
  }

  public Path gatewayKey() {
    return home.resolve("tls/gateway.key");
  }

  public Path brokerKeystore() {
    return home.resolve("tls/broker.p12");
  }

  public Path brokerKeystorePassword() {
    return home.resolve("tls/broker.password");
  }

  public Path jwtPublicKey() {
    return home.resolve("auth/jwt-public.pem");
  }

  public Path jwtPrivateKey() {
    return home.resolve("auth/jwt-private.pem");
  }

  public Path adminToken() {
    return home.resolve("auth/admin.token");
  }

  public Path clientProperties() {
    return home.resolve("kafka/client.properties");
  }

  public Path kcatConf() {
    return home.resolve("kafka/kcat.conf");
  }

  /** A service's Kafka credentials as an environment file (docker-compose.yml's env_file). */
  public Path serviceEnv(String service) {
    return home.resolve("kafka/" + service + ".env");
  }

  public KafkaCredentials kafka() {
    return new KafkaCredentials(home.resolve("kafka/users"));
  }

  /** Whether the stack's material exists (made by an earlier {@code plora up}). */
  public boolean exists() {
    return Files.isRegularFile(caPem()) && Files.isRegularFile(jwtPublicKey());
  }

  /** Makes whatever is missing or expires within 30 days; returns what it made, for the log. */
  public List<String> ensure(String kafkaBootstrap) {
    List<String> made = new java.util.ArrayList<>();
    boolean newCa =
        !Files.isRegularFile(caPem()) || !Files.isRegularFile(home.resolve("tls/ca.key"));
    CertificateAuthority ca =
        CertificateAuthority.loadOrCreate(caPem(), home.resolve("tls/ca.key"));
    if (newCa) {
      made.add("CA " + caPem());
    }
    if (newCa || expiresSoon(gatewayCert()) || !Files.isRegularFile(gatewayKey())) {
      CertificateAuthority.Issued g = ca.issue("plora-gateway", LOOPBACK, CERT_VALIDITY);
      SecretFiles.writeSecret(gatewayKey(), Pem.encodePrivateKey(g.key()));
      SecretFiles.writePublic(gatewayCert(), Pem.encode(g.certificate(), ca.certificate()));
      made.add("gateway certificate " + gatewayCert());
    }
    if (newCa || !Files.isRegularFile(brokerKeystore()) || brokerExpiresSoon()) {
      CertificateAuthority.Issued b = ca.issue("plora-broker", LOOPBACK, CERT_VALIDITY);
      writeKeystore(b, ca.certificate());
      made.add("broker keystore " + brokerKeystore());
    }
    boolean newKey = !Files.isRegularFile(jwtPrivateKey()) || !Files.isRegularFile(jwtPublicKey());
    TokenSigner signer = TokenSigner.loadOrCreate(jwtPrivateKey(), jwtPublicKey());
    if (newKey) {
      made.add("token signing key " + jwtPublicKey());
    }
    if (newKey || tokenExpiresSoon(adminToken())) {
      String token = signer.mint("admin", TokenSigner.Role.ADMIN, ADMIN_TOKEN_TTL);
      SecretFiles.writeSecret(adminToken(), (token + "\n").getBytes(StandardCharsets.US_ASCII));
      made.add("admin token " + adminToken());
    }
    KafkaCredentials kafka = kafka();
    kafka.ensure();
    SecretFiles.writeSecret(
        clientProperties(),
        kafka.clientProperties(kafkaBootstrap, caPem()).getBytes(StandardCharsets.UTF_8));
    SecretFiles.writeSecret(
        kcatConf(), kafka.kcatConf(kafkaBootstrap, caPem()).getBytes(StandardCharsets.UTF_8));
    for (String principal : KafkaCredentials.PRINCIPALS) {
      if (!principal.equals("operator")) {
        SecretFiles.writeSecret(
            serviceEnv(principal), kafka.serviceEnv(principal).getBytes(StandardCharsets.UTF_8));
      }
    }
    return made;
  }

  /** The signer for {@code plora token} (the key must exist). */
  public TokenSigner signer() {
    return TokenSigner.load(jwtPrivateKey());
  }

  private void writeKeystore(CertificateAuthority.Issued b, X509Certificate ca) {
    try {
      byte[] secret = new byte[24];
      new SecureRandom().nextBytes(secret);
      char[] password =
          Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("broker", b.key(), password, new Certificate[] {b.certificate(), ca});
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, password);
      SecretFiles.writeSecret(
          brokerKeystorePassword(), (new String(password) + "\n").getBytes(StandardCharsets.UTF_8));
      SecretFiles.writeSecret(brokerKeystore(), out.toByteArray());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot write the broker keystore: " + e.getMessage(), e);
    }
  }

  private boolean brokerExpiresSoon() {
    try (var in = Files.newInputStream(brokerKeystore())) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, Files.readString(brokerKeystorePassword()).trim().toCharArray());
      X509Certificate c = (X509Certificate) ks.getCertificate("broker");
      return c == null || c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
    } catch (GeneralSecurityException | IOException e) {
      return true; // unreadable: make a new one
    }
  }

  private static boolean expiresSoon(Path cert) {
    if (!Files.isRegularFile(cert)) {
      return true;
    }
    try {
      return Pem.readCertificate(cert)
          .getNotAfter()
          .toInstant()
          .isBefore(Instant.now().plus(RENEW_BEFORE));
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static boolean tokenExpiresSoon(Path tokenFile) {
    if (!Files.isRegularFile(tokenFile)) {
      return true;
    }
    try {
      String token = Files.readString(tokenFile).trim();
      JwtClaims claims =
          new JwtConsumerBuilder()
              .setSkipAllValidators()
              .setDisableRequireSignature()
              .setSkipSignatureVerification()
              .build()
              .processToClaims(token);
      return claims.getExpirationTime().getValueInMillis()
          < Instant.now().plus(Duration.ofDays(1)).toEpochMilli();
    } catch (IOException | InvalidJwtException | MalformedClaimException e) {
      return true;
    }
  }

  /** Reads a token file (whitespace trimmed). */
  public static String readToken(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token in " + file + ": " + e.getMessage(), e);
    }
  }
}
