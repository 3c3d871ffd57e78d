package dev.plora.services.gateway;

import dev.plora.jobs.JobMachine;
import dev.plora.jobs.TaskRouting;
import dev.plora.proto.v1.Outcome;
import dev.plora.proto.v1.Progress;
import dev.plora.proto.v1.Stage;
import dev.plora.proto.v1.Task;
import dev.plora.services.support.KafkaClientConfig;
import dev.plora.services.support.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Chooses the partition of each task so that an idle worker replica takes it ({@link TaskRouting}
 * says why and how). What it knows: which replica owns which partition (the consumer groups'
 * current assignments, refreshed every few seconds), which replicas are busy (their heartbeats,
 * until their outcome), and which tasks wait on which partition (sent, not started).
 */
@ApplicationScoped
public class TaskRouter {
  private static final Logger LOG = Logger.getLogger(TaskRouter.class);

  /**
   * The consumer group of each stage's workers (each service's application.properties names it).
   */
  static final Map<Stage, String> GROUPS =
      Map.of(
          Stage.STAGE_DISCOVER, "plora-mask-discovery",
          Stage.STAGE_TRAIN, "plora-trainer",
          Stage.STAGE_EVALUATE, "plora-evaluator",
          Stage.STAGE_EXPORT, "plora-exporter");

  static final Map<Stage, String> TOPICS =
      Map.of(
          Stage.STAGE_DISCOVER, Topics.DISCOVER,
          Stage.STAGE_TRAIN, Topics.TRAIN,
          Stage.STAGE_EVALUATE, Topics.EVALUATE,
          Stage.STAGE_EXPORT, Topics.EXPORT);

  @Inject KafkaClientConfig kafka;

  /**
   * A replica is busy from its last heartbeat for this long (several heartbeat intervals), or until
   * its outcome.
   */
  @ConfigProperty(name = "plora.router.busy-window", defaultValue = "20s")
  Duration busyWindow;

  private final Map<Stage, Map<Integer, String>> owners = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSign = new ConcurrentHashMap<>();

  /**
   * task key → when its outcome came. Heartbeats and outcomes travel on different topics, so a
   * task's last heartbeat can arrive after its outcome; it must not mark the worker busy again (it
   * would, for a whole busy window: an idle worker looking busy makes the choice between it and a
   * really busy one a coin toss).
   */
  private final Map<String, Long> ended = new ConcurrentHashMap<>();

  /** task key (job/trial/stage/attempt) → its partition, while it waits to start. */
  private final Map<String, Queued> queued = new ConcurrentHashMap<>();

  private record Queued(Stage stage, int partition) {}

  private ScheduledExecutorService refresher;
  private Admin admin;

  void onStart(@Observes StartupEvent e) {
    admin = kafka.admin(5000);
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "plora-task-router");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(this::refresh, 0, 3, TimeUnit.SECONDS);
  }

  void onStop(@Observes ShutdownEvent e) {
    refresher.shutdownNow();
    admin.close();
  }

  /** The partition for a task, or empty to let the producer place it by key. */
  OptionalInt choose(Task t, String key) {
    Stage stage = t.getStage();
    Map<Integer, String> own = owners.getOrDefault(stage, Map.of());
    Set<String> busy = busy(System.currentTimeMillis());
    Map<Integer, Integer> waiting = new HashMap<>();
    queued.values().stream()
        .filter(q -> q.stage() == stage)
        .forEach(q -> waiting.merge(q.partition(), 1, Integer::sum));
    return TaskRouting.choose(partitions(stage), own, busy, waiting, key.hashCode());
  }

  /** The replicas running a task at {@code now}, as far as their heartbeats and outcomes say. */
  Set<String> busy(long now) {
    return lastSign.entrySet().stream()
        .filter(w -> now - w.getValue() < busyWindow.toMillis())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** A task was acknowledged on {@code partition}: it waits there until a worker starts it. */
  void dispatched(Task t, int partition) {
    queued.put(
        key(t.getJobId(), t.getTrial(), t.getStage(), t.getAttempt()),
        new Queued(t.getStage(), partition));
  }

  /** A heartbeat or progress: its worker is busy, and its task no longer waits. */
  void sign(Progress p) {
    String task = key(p.getJobId(), p.getTrial(), p.getStage(), p.getAttempt());
    if (!p.getWorker().isEmpty() && !ended.containsKey(task)) {
      lastSign.put(p.getWorker(), System.currentTimeMillis());
    }
    queued.remove(task);
  }

  /** An outcome: its worker is free again. */
  void finished(Outcome o) {
    String task = key(o.getJobId(), o.getTrial(), o.getStage(), o.getAttempt());
    long now = System.currentTimeMillis();
    ended.put(task, now);
    // A heartbeat later than a busy window after the outcome would have expired anyway.
    ended.values().removeIf(t -> now - t > busyWindow.toMillis());
    if (!o.getWorker().isEmpty()) {
      lastSign.remove(o.getWorker());
    }
    queued.remove(task);
  }

  /** A job ended or was deleted: forget what of it still waits. */
  void forget(String jobId) {
    queued.keySet().removeIf(k -> k.startsWith(jobId + "/"));
  }

  private static String key(String jobId, int trial, Stage stage, int attempt) {
    return jobId + "/" + trial + "/" + JobMachine.stageName(stage) + "/" + Math.max(1, attempt);
  }

  private static int partitions(Stage stage) {
    return Topics.definitions((short) 1).stream()
        .filter(n -> n.name().equals(TOPICS.get(stage)))
        .findFirst()
        .orElseThrow()
        .numPartitions();
  }

  private void refresh() {
    try {
      Map<String, ConsumerGroupDescription> groups =
          admin.describeConsumerGroups(GROUPS.values()).all().get(5, TimeUnit.SECONDS);
      for (Map.Entry<Stage, String> g : GROUPS.entrySet()) {
        ConsumerGroupDescription d = groups.get(g.getValue());
        Map<Integer, String> own = new HashMap<>();
        if (d != null) {
          for (MemberDescription m : d.members()) {
            String worker = m.groupInstanceId().orElse(m.consumerId());
            partitionsOf(m.assignment().topicPartitions(), TOPICS.get(g.getKey()))
                .forEach(p -> own.put(p, worker));
          }
        }
        owners.put(g.getKey(), Map.copyOf(own));
      }
    } catch (Exception ex) {
      LOG.debugf("cannot read the workers' partition assignments now: %s", ex.getMessage());
    }
  }

  private static List<Integer> partitionsOf(Collection<TopicPartition> tps, String topic) {
    return tps.stream()
        .filter(tp -> tp.topic().equals(topic))
        .map(TopicPartition::partition)
        .toList();
  }
}
