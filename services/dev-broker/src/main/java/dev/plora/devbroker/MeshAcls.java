package dev.plora.devbroker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the mesh's broker: one principal per service, each allowed only its own topics
 * and consumer group (least privilege), and an operator principal for people with kcat. Everything
 * not granted here is denied (StandardAuthorizer, no allow-if-no-ACL). The Strimzi {@code
 * KafkaUser} resources in {@code deploy/} grant the same (a test compares them).
 *
 * <p>The gateway owns job state and the task topics; a worker reads its task topic and answers on
 * the events and progress topics, so a compromised trainer cannot rewrite job state or issue tasks.
 */
public final class MeshAcls {
  /** One permission: an operation on a resource named literally or by prefix. */
  public record Grant(ResourceType type, String name, PatternType pattern, AclOperation operation) {
    AclBinding binding(String principal) {
      return new AclBinding(
          new ResourcePattern(type, name, pattern),
          new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
    }
  }

  static final String SUBMIT = "plora.jobs.submit";
  static final String STATE = "plora.jobs.state";
  static final String EVENTS = "plora.job-events";
  static final String PROGRESS = "plora.job-progress";
  static final String DEAD_LETTER = "plora.dead-letter";

  /**
   * Worker service → the task topic it consumes, in a fixed order (Map.of's order changes from one
   * JVM to the next, and the generated manifest must not).
   */
  static final Map<String, String> WORKERS = workers();

  private static Map<String, String> workers() {
    Map<String, String> w = new LinkedHashMap<>();
    w.put("mask-discovery", "plora.tasks.discover");
    w.put("trainer", "plora.tasks.train");
    w.put("evaluator", "plora.tasks.evaluate");
    w.put("exporter", "plora.tasks.export");
    return java.util.Collections.unmodifiableMap(w);
  }

  /** The principals, in a fixed order: gateway, the four workers, operator. */
  public static final List<String> PRINCIPALS =
      List.of("gateway", "mask-discovery", "trainer", "evaluator", "exporter", "operator");

  /** Every principal's grants. */
  public static Map<String, List<Grant>> grants() {
    Map<String, List<Grant>> all = new LinkedHashMap<>();
    all.put("gateway", distinct(gateway()));
    for (String w : PRINCIPALS.subList(1, 5)) {
      all.put(w, distinct(worker(w, WORKERS.get(w))));
    }
    all.put("operator", distinct(operator()));
    return all;
  }

  public static List<AclBinding> bindings() {
    List<AclBinding> out = new ArrayList<>();
    grants().forEach((p, gs) -> gs.forEach(g -> out.add(g.binding(p))));
    return out;
  }

  private static List<Grant> distinct(List<Grant> g) {
    return g.stream().distinct().toList();
  }

  private static List<Grant> gateway() {
    List<Grant> g = new ArrayList<>();
    for (String t : List.of(SUBMIT, EVENTS, PROGRESS, DEAD_LETTER, STATE)) {
      read(g, t);
    }
    for (String t : WORKERS.values()) {
      write(g, t);
    }
    write(g, STATE);
    write(g, DEAD_LETTER); // submissions it cannot decode
    // It creates the mesh's topics at startup (Topics.ensure) ...
    g.add(topic("plora.", PatternType.PREFIXED, AclOperation.CREATE));
    g.add(topic("plora.", PatternType.PREFIXED, AclOperation.DESCRIBE));
    g.add(topic("plora.", PatternType.PREFIXED, AclOperation.DESCRIBE_CONFIGS));
    // ... consumes as plora-gateway, plora-gateway-progress, plora-gateway-dead-letters ...
    g.add(group("plora-gateway", PatternType.PREFIXED, AclOperation.READ));
    // ... and routes tasks by the workers' group assignments (TaskRouter).
    for (String w : WORKERS.keySet()) {
      g.add(group("plora-" + w, PatternType.LITERAL, AclOperation.DESCRIBE));
    }
    return g;
  }

  private static List<Grant> worker(String service, String tasks) {
    List<Grant> g = new ArrayList<>();
    read(g, tasks);
    g.add(group("plora-" + service, PatternType.LITERAL, AclOperation.READ));
    write(g, EVENTS);
    write(g, PROGRESS);
    write(g, DEAD_LETTER); // tasks it cannot decode
    return g;
  }

  /**
   * KEDA's Kafka scaler on a cluster (deploy/base/autoscaling.yaml): it reads the worker groups'
   * lag, so it may describe the task topics and those groups, nothing else. The embedded stack does
   * not autoscale, so its broker has no such user; the cluster's KafkaUsers add it.
   */
  public static List<Grant> autoscaler() {
    List<Grant> g = new ArrayList<>();
    WORKERS.forEach(
        (service, tasks) -> {
          g.add(topic(tasks, PatternType.LITERAL, AclOperation.DESCRIBE));
          g.add(group("plora-" + service, PatternType.LITERAL, AclOperation.DESCRIBE));
        });
    return g;
  }

  /** People: submit jobs, read every plora topic (kcat -C, or a group named plora-operator*). */
  private static List<Grant> operator() {
    List<Grant> g = new ArrayList<>();
    write(g, SUBMIT);
    g.add(topic("plora.", PatternType.PREFIXED, AclOperation.READ));
    g.add(topic("plora.", PatternType.PREFIXED, AclOperation.DESCRIBE));
    g.add(group("plora-operator", PatternType.PREFIXED, AclOperation.READ));
    return g;
  }

  private static void read(List<Grant> g, String topic) {
    g.add(topic(topic, PatternType.LITERAL, AclOperation.READ));
    g.add(topic(topic, PatternType.LITERAL, AclOperation.DESCRIBE));
  }

  private static void write(List<Grant> g, String topic) {
    g.add(topic(topic, PatternType.LITERAL, AclOperation.WRITE));
    g.add(topic(topic, PatternType.LITERAL, AclOperation.DESCRIBE));
  }

  private static Grant topic(String name, PatternType p, AclOperation op) {
    return new Grant(ResourceType.TOPIC, name, p, op);
  }

  private static Grant group(String name, PatternType p, AclOperation op) {
    return new Grant(ResourceType.GROUP, name, p, op);
  }

  private MeshAcls() {}
}
