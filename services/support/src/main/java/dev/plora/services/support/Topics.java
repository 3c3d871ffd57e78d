package dev.plora.services.support;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The mesh's topics, with their partitions and configs, in one place. Services never hard-code a
 * topic: channels map to these names in {@code application.properties}; this class creates them.
 */
public final class Topics {
  public static final String SUBMIT = "plora.jobs.submit";
  public static final String STATE = "plora.jobs.state";
  public static final String EVENTS = "plora.job-events";
  public static final String PROGRESS = "plora.job-progress";
  public static final String DISCOVER = "plora.tasks.discover";
  public static final String TRAIN = "plora.tasks.train";
  public static final String EVALUATE = "plora.tasks.evaluate";
  public static final String EXPORT = "plora.tasks.export";
  public static final String DEAD_LETTER = "plora.dead-letter";

  /**
   * The topics at a replication factor. Training tasks spread over trainer replicas by partition;
   * the others need less parallelism. Every topic requires {@link #minInsyncReplicas}
   * acknowledgements (producers send with acks=all), so an acknowledged record survives a leader
   * failover. Tasks are kept 7 days, far longer than the gateway's queue timeout (24 h by default):
   * a task no worker takes fails its job before it could expire unread.
   */
  public static List<NewTopic> definitions(short replication) {
    String isr = String.valueOf(minInsyncReplicas(replication));
    Map<String, String> week = Map.of("retention.ms", days(7), "min.insync.replicas", isr);
    return List.of(
        new NewTopic(SUBMIT, 3, replication).configs(week),
        // One record per job, latest wins: the gateway's durable job table.
        new NewTopic(STATE, 3, replication)
            .configs(
                Map.of(
                    "cleanup.policy",
                    "compact",
                    "min.compaction.lag.ms",
                    "60000",
                    "min.insync.replicas",
                    isr)),
        new NewTopic(EVENTS, 3, replication).configs(week),
        new NewTopic(PROGRESS, 3, replication)
            .configs(Map.of("retention.ms", days(1), "min.insync.replicas", isr)),
        new NewTopic(DISCOVER, 3, replication).configs(week),
        new NewTopic(TRAIN, 6, replication).configs(week),
        new NewTopic(EVALUATE, 3, replication).configs(week),
        new NewTopic(EXPORT, 3, replication).configs(week),
        new NewTopic(DEAD_LETTER, 1, replication)
            .configs(Map.of("retention.ms", days(30), "min.insync.replicas", isr)));
  }

  /** 2 of 3 replicas (one may be down); 1 on a single-node broker. */
  public static int minInsyncReplicas(short replication) {
    return replication >= 3 ? 2 : 1;
  }

  private static String days(int n) {
    return String.valueOf(TimeUnit.DAYS.toMillis(n));
  }

  /** Creates whichever topics are missing; existing ones are left as they are. */
  public static void ensure(Map<String, Object> connection, short replication) {
    Map<String, Object> config = new java.util.HashMap<>(connection);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    Object bootstrapServers = connection.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          definitions(replication).stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while creating topics on " + bootstrapServers, e);
    } catch (ExecutionException | TimeoutException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
        return; // another service created them at the same time
      }
      throw new IllegalStateException(
          "cannot create the plora topics on " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  private Topics() {}
}
