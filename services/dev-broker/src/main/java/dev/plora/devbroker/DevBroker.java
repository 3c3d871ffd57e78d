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
 * <pre>java -jar plora-dev-broker.jar [--port 19092] [--controller-port 19093] [--dir .plora/kafka]
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
    write(config, properties(port, controller, data));
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
            + " (controller "
            + controller
            + "), data in "
            + data);
    kafka.Kafka.main(new String[] {config.toString()});
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
    Files.writeString(file, s.toString());
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new java.util.HashMap<>();
    List<String> known = List.of("--port", "--controller-port", "--dir");
    for (int i = 0; i < args.length; i++) {
      if (!known.contains(args[i]) || i + 1 >= args.length) {
        System.err.println(
            "usage: dev-broker [--port N] [--controller-port N] [--dir DIR]; unexpected '"
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
