package dev.plora.rules.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plora.rules.deploy.Manifests.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a plora deployment promises about isolation (issue 13, docs/security.md), as checks over its
 * manifests. Each returns the violations it found, one line each, naming the resource.
 */
final class DeployPolicy {
  private DeployPolicy() {}

  static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job");

  /**
   * runAsNonRoot, RuntimeDefault seccomp, read-only root, no privilege escalation, no capabilities.
   */
  static List<String> podsAreRestricted(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Manifest w : m.ofKind(WORKLOADS.toArray(String[]::new))) {
      JsonNode pod = w.doc().path("spec").path("template").path("spec");
      JsonNode psc = pod.path("securityContext");
      if (!psc.path("runAsNonRoot").asBoolean(false)) {
        out.add(w + ": pod securityContext.runAsNonRoot is not true");
      }
      if (!"RuntimeDefault".equals(psc.path("seccompProfile").path("type").asText())) {
        out.add(w + ": pod seccompProfile is not RuntimeDefault");
      }
      if (pod.path("hostNetwork").asBoolean(false) || pod.path("hostPID").asBoolean(false)) {
        out.add(w + ": uses the host's network or PID namespace");
      }
      List<JsonNode> containers = new ArrayList<>();
      pod.path("containers").forEach(containers::add);
      pod.path("initContainers").forEach(containers::add);
      if (containers.isEmpty()) {
        out.add(w + ": has no containers");
      }
      for (JsonNode c : containers) {
        String where = w + " container " + c.path("name").asText();
        JsonNode sc = c.path("securityContext");
        if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
          out.add(where + ": readOnlyRootFilesystem is not true");
        }
        if (!sc.path("allowPrivilegeEscalation").isBoolean()
            || sc.path("allowPrivilegeEscalation").asBoolean()) {
          out.add(where + ": allowPrivilegeEscalation is not false");
        }
        if (sc.path("privileged").asBoolean(false)) {
          out.add(where + ": is privileged");
        }
        Set<String> dropped = new TreeSet<>();
        sc.path("capabilities").path("drop").forEach(d -> dropped.add(d.asText()));
        if (!dropped.contains("ALL")) {
          out.add(where + ": does not drop ALL capabilities");
        }
        if (sc.path("capabilities").path("add").size() > 0) {
          out.add(where + ": adds capabilities");
        }
      }
      for (JsonNode v : pod.path("volumes")) {
        if (v.has("hostPath")) {
          out.add(w + ": mounts a hostPath volume " + v.path("name").asText());
        }
      }
    }
    return out;
  }

  /** Every namespace enforces the restricted Pod Security standard. */
  static List<String> namespacesEnforceRestricted(Manifests m) {
    List<String> out = new ArrayList<>();
    List<Manifest> namespaces = m.ofKind("Namespace");
    if (namespaces.isEmpty()) {
      out.add("no Namespace resource");
    }
    for (Manifest ns : namespaces) {
      String level =
          ns.doc()
              .path("metadata")
              .path("labels")
              .path("pod-security.kubernetes.io/enforce")
              .asText();
      if (!"restricted".equals(level)) {
        out.add(ns + ": pod-security.kubernetes.io/enforce is '" + level + "', not restricted");
      }
    }
    return out;
  }

  /**
   * Every workload is selected by a policy that denies all ingress and egress; only the gateway has
   * an ingress rule open to any source, and only on its gRPC port; no egress rule is open to any
   * destination.
   */
  static List<String> networkIsolated(Manifests m, String gateway, int grpcPort) {
    List<String> out = new ArrayList<>();
    List<Manifest> policies = m.ofKind("NetworkPolicy");
    for (Manifest w : m.ofKind(WORKLOADS.toArray(String[]::new))) {
      String app =
          w.doc()
              .path("spec")
              .path("template")
              .path("metadata")
              .path("labels")
              .path("app.kubernetes.io/name")
              .asText();
      boolean denied =
          policies.stream()
              .anyMatch(
                  p ->
                      selects(p.doc().path("spec").path("podSelector"), app)
                          && types(p).containsAll(Set.of("Ingress", "Egress"))
                          && p.doc().path("spec").path("ingress").isMissingNode()
                          && p.doc().path("spec").path("egress").isMissingNode());
      if (!denied) {
        out.add(w + ": no deny-all NetworkPolicy selects app.kubernetes.io/name=" + app);
      }
    }
    for (Manifest p : policies) {
      JsonNode spec = p.doc().path("spec");
      for (JsonNode rule : spec.path("ingress")) {
        if (rule.path("from").isMissingNode() || rule.path("from").isEmpty()) {
          boolean onlyGateway =
              gateway.equals(
                  spec.path("podSelector")
                      .path("matchLabels")
                      .path("app.kubernetes.io/name")
                      .asText());
          boolean onlyGrpc =
              rule.path("ports").size() > 0
                  && streamOf(rule.path("ports"))
                      .allMatch(pt -> pt.path("port").asInt() == grpcPort);
          if (!onlyGateway || !onlyGrpc) {
            out.add(p + ": an ingress rule open to any source that is not the gateway's gRPC port");
          }
        }
      }
      for (JsonNode rule : spec.path("egress")) {
        if (rule.path("to").isMissingNode() || rule.path("to").isEmpty()) {
          out.add(p + ": an egress rule open to any destination");
        }
      }
    }
    return out;
  }

  private static Set<String> types(Manifest p) {
    Set<String> t = new TreeSet<>();
    p.doc().path("spec").path("policyTypes").forEach(n -> t.add(n.asText()));
    return t;
  }

  /**
   * Whether a pod selector (matchLabels or an In expression on app.kubernetes.io/name) picks app.
   */
  static boolean selects(JsonNode selector, String app) {
    if (app.equals(selector.path("matchLabels").path("app.kubernetes.io/name").asText())) {
      return true;
    }
    return streamOf(selector.path("matchExpressions"))
        .anyMatch(
            e ->
                "app.kubernetes.io/name".equals(e.path("key").asText())
                    && "In".equals(e.path("operator").asText())
                    && streamOf(e.path("values")).anyMatch(v -> app.equals(v.asText())));
  }

  private static java.util.stream.Stream<JsonNode> streamOf(JsonNode array) {
    List<JsonNode> l = new ArrayList<>();
    array.forEach(l::add);
    return l.stream();
  }

  /**
   * Every container asks for CPU and memory, caps memory, and has readiness and liveness probes.
   */
  static List<String> containersAreSized(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Manifest w : m.ofKind(WORKLOADS.toArray(String[]::new))) {
      for (JsonNode c : w.doc().path("spec").path("template").path("spec").path("containers")) {
        String where = w + " container " + c.path("name").asText();
        JsonNode r = c.path("resources");
        if (r.path("requests").path("cpu").isMissingNode()
            || r.path("requests").path("memory").isMissingNode()) {
          out.add(where + ": no cpu and memory requests");
        }
        if (r.path("limits").path("memory").isMissingNode()) {
          out.add(where + ": no memory limit");
        }
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
          if (c.path(probe).isMissingNode()) {
            out.add(where + ": no " + probe);
          }
        }
      }
    }
    return out;
  }

  /**
   * Each ScaledObject targets a workload that exists, never scales past its task topic's
   * partitions, and nothing scales the gateway.
   */
  static List<String> autoscalingFitsPartitions(Manifests m, String gateway) {
    List<String> out = new ArrayList<>();
    java.util.Map<String, Integer> partitions = new java.util.HashMap<>();
    for (Manifest t : m.ofKind("KafkaTopic")) {
      partitions.put(
          t.doc().path("spec").path("topicName").asText(),
          t.doc().path("spec").path("partitions").asInt());
    }
    Set<String> workloads = new TreeSet<>();
    m.ofKind(WORKLOADS.toArray(String[]::new)).forEach(w -> workloads.add(w.name()));
    for (Manifest s : m.ofKind("ScaledObject", "HorizontalPodAutoscaler")) {
      JsonNode spec = s.doc().path("spec");
      String target = spec.path("scaleTargetRef").path("name").asText();
      if (target.equals(gateway)) {
        out.add(s + ": scales the gateway, the one writer of job state");
      }
      if (!workloads.contains(target)) {
        out.add(s + ": targets " + target + ", which no manifest defines");
      }
      int max = spec.path("maxReplicaCount").asInt(spec.path("maxReplicas").asInt());
      for (JsonNode trigger : spec.path("triggers")) {
        String topic = trigger.path("metadata").path("topic").asText();
        Integer p = partitions.get(topic);
        if (p == null) {
          out.add(s + ": trigger topic '" + topic + "' is not a declared KafkaTopic");
        } else if (max > p) {
          out.add(s + ": up to " + max + " replicas for " + p + " partitions of " + topic);
        }
      }
    }
    return out;
  }

  /** The cluster's listeners authenticate and authorize; no plaintext listener. */
  static List<String> kafkaAuthenticates(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Manifest k : m.ofKind("Kafka")) {
      JsonNode kafka = k.doc().path("spec").path("kafka");
      if (kafka.path("authorization").path("type").asText().isEmpty()) {
        out.add(k + ": no authorization");
      }
      for (JsonNode l : kafka.path("listeners")) {
        if (!l.path("tls").asBoolean(false)) {
          out.add(k + " listener " + l.path("name").asText() + ": not TLS");
        }
        if (l.path("authentication").path("type").asText().isEmpty()) {
          out.add(k + " listener " + l.path("name").asText() + ": no authentication");
        }
      }
    }
    return out;
  }

  /** Secrets come from Secrets: no env value that looks like key material or a password. */
  static List<String> noInlineSecrets(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Manifest w : m.ofKind(WORKLOADS.toArray(String[]::new))) {
      for (JsonNode c : w.doc().path("spec").path("template").path("spec").path("containers")) {
        for (JsonNode e : c.path("env")) {
          String v = e.path("value").asText();
          if (v.contains("BEGIN ") || v.contains("password=") || v.contains("LoginModule")) {
            out.add(w + ": env " + e.path("name").asText() + " holds secret material inline");
          }
        }
      }
    }
    for (Manifest cm : m.ofKind("ConfigMap")) {
      cm.doc()
          .path("data")
          .fields()
          .forEachRemaining(
              f -> {
                String v = f.getValue().asText();
                if (v.contains("BEGIN ") || v.contains("password=") || v.contains("LoginModule")) {
                  out.add(cm + ": " + f.getKey() + " holds secret material");
                }
              });
    }
    return out;
  }
}
