package dev.plora.devbroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * Brings the broker's users and ACLs to what {@link MeshAcls} and the password files say, once the
 * broker is up: SCRAM credentials upserted (a changed password file rotates that password), the
 * grants created, and any other grant of a mesh principal removed. Then it writes {@code ready},
 * which {@code plora up} waits for, so no service starts before it may connect.
 */
final class Provisioner implements Runnable {
  private static final int SCRAM_ITERATIONS = 8192;

  private final BrokerSecurity security;
  private final String internalBootstrap;
  private final Path readyFile;

  Provisioner(BrokerSecurity security, String internalBootstrap, Path readyFile) {
    this.security = security;
    this.internalBootstrap = internalBootstrap;
    this.readyFile = readyFile;
  }

  @Override
  public void run() {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      try {
        provision();
        Files.writeString(readyFile, "ready\n");
        System.out.println("dev-broker: users and ACLs provisioned; ready");
        return;
      } catch (Exception e) {
        System.out.println("dev-broker: provisioning not done yet (" + e.getMessage() + ")");
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    System.err.println("dev-broker: could not provision users and ACLs within 5 minutes");
    System.exit(3);
  }

  private void provision() throws Exception {
    Map<String, Object> config = new java.util.HashMap<>(security.ssl());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internalBootstrap);
    config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(config)) {
      Map<String, String> passwords = security.passwords();
      List<String> missing = new ArrayList<>(MeshAcls.PRINCIPALS);
      missing.removeAll(passwords.keySet());
      if (!missing.isEmpty()) {
        throw new IllegalStateException("no password file for " + missing);
      }
      List<UserScramCredentialAlteration> users = new ArrayList<>();
      passwords.forEach(
          (name, password) ->
              users.add(
                  new UserScramCredentialUpsertion(
                      name,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                      password)));
      admin.alterUserScramCredentials(users).all().get(10, TimeUnit.SECONDS);

      List<AclBinding> wanted = MeshAcls.bindings();
      admin.createAcls(wanted).all().get(10, TimeUnit.SECONDS);
      Set<String> ours = new HashSet<>();
      MeshAcls.PRINCIPALS.forEach(p -> ours.add("User:" + p));
      Set<AclBinding> keep = new HashSet<>(wanted);
      List<AclBindingFilter> stale =
          admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS).stream()
              .filter(b -> ours.contains(b.entry().principal()) && !keep.contains(b))
              .map(AclBinding::toFilter)
              .toList();
      if (!stale.isEmpty()) {
        admin.deleteAcls(stale).all().get(10, TimeUnit.SECONDS);
        System.out.println("dev-broker: removed " + stale.size() + " stale grant(s)");
      }
    }
  }

  static void clear(Path readyFile) throws IOException {
    Files.deleteIfExists(readyFile);
  }
}
