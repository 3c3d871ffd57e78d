package dev.plora.devbroker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker for the embedded stack: one KRaft node acting as broker and controller, bound
 * to 127.0.0.1. {@code --dir} keeps the log directories between starts (formatted on the first
 * start), so a restarted stack finds its jobs again.
 *
 * <p>With {@code --keystore} (what {@code plora up} passes) the broker is secured ({@link
 * BrokerSecurity}): clients authenticate with SCRAM-SHA-512 over TLS, each service is its own
 * principal with only the grants of {@link MeshAcls}, and {@code DIR/ready} appears once users and
 * grants are in place. Without it the broker is plaintext and open (for experiments only).
 *
 * <pre>java -jar plora-dev-broker.jar [--port 19092] [--controller-port 19093] [--dir .plora/kafka]
 *     [--internal-port 19094 --keystore broker.p12 --keystore-password-file F --ca ca.pem
 *      --users DIR]
 * </pre>
 */
public final class DevBroker {
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int port = Integer.parseInt(opts.getOrDefault("--port", "19092"));
    int controller = Integer.parseInt(opts.getOrDefault("--controller-port", "19093"));
    Path dir = Path.of(opts.getOrDefault("--dir", ".plora/kafka")).toAbsolutePath();
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Path config = dir.resolve("server.properties");
    Path ready = dir.resolve("ready");
    Provisioner.clear(ready);
    Properties props = properties(port, controller, data);
    BrokerSecurity security = null;
    if (opts.containsKey("--keystore")) {
      int internal = Integer.parseInt(opts.getOrDefault("--internal-port", "19094"));
      security =
          BrokerSecurity.of(
              Path.of(opts.get("--keystore")),
              Path.of(required(opts, "--keystore-password-file")),
              Path.of(required(opts, "--ca")),
              Path.of(required(opts, "--users")));
      security.apply(props, port, internal, controller);
      Thread t =
          new Thread(
              new Provisioner(security, "127.0.0.1:" + internal, ready), "dev-broker-provisioner");
      t.setDaemon(true);
      t.start();
    }
    write(config, props);
    if (!Files.exists(data.resolve("meta.properties"))) {
      int rc =
          kafka.tools.StorageTool.execute(
              new String[] {
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                config.toString(),
                "--ignore-formatted"
              },
              new PrintStream(System.out, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        System.err.println("dev-broker: formatting " + data + " failed (exit " + rc + ")");
        System.exit(rc);
      }
    }
    System.out.println(
        "dev-broker: starting Kafka on 127.0.0.1:"
            + port
            + (security != null ? " (SASL_SSL, SCRAM-SHA-512, ACLs)" : " (PLAINTEXT, no ACLs)")
            + " (controller "
            + controller
            + "), data in "
            + data);
    if (security == null) {
      Files.writeString(ready, "ready\n");
    }
    kafka.Kafka.main(new String[] {config.toString()});
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      System.err.println("dev-broker: --keystore needs " + name);
      System.exit(2);
    }
    return v;
  }

  static Properties properties(int port, int controller, Path data) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
    p.setProperty(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", data.toString());
    // One node: every internal topic has one replica.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "3");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Topics are created explicitly (partitions and configs) by the gateway; a typo must not create
    // one.
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("log.cleaner.backoff.ms", "1000");
    return p;
  }

  private static void write(Path file, Properties p) throws IOException {
    StringBuilder s = new StringBuilder("# written by plora dev-broker at every start\n");
    for (String k : p.stringPropertyNames().stream().sorted().toList()) {
      s.append(k).append('=').append(p.getProperty(k)).append('\n');
    }
    // It holds the keystore password: readable by the broker's user only, from creation on.
    Files.deleteIfExists(file);
    Files.createFile(
        file,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, s.toString());
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new java.util.HashMap<>();
    List<String> known =
        List.of(
            "--port",
            "--controller-port",
            "--dir",
            "--internal-port",
            "--keystore",
            "--keystore-password-file",
            "--ca",
            "--users");
    for (int i = 0; i < args.length; i++) {
      if (!known.contains(args[i]) || i + 1 >= args.length) {
        System.err.println(
            "usage: dev-broker [--port N] [--controller-port N] [--dir DIR] [--internal-port N"
                + " --keystore P12 --keystore-password-file F --ca PEM --users DIR]; unexpected '"
                + args[i]
                + "'");
        System.exit(2);
      }
      m.put(args[i], args[++i]);
    }
    return m;
  }

  private DevBroker() {}
}
