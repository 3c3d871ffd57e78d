package dev.plora.devbroker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;

/**
 * {@link MeshAcls} as Strimzi {@code KafkaUser} resources: the same principals (named {@code
 * plora-<principal>} in a cluster) with SCRAM-SHA-512 credentials and the same grants, so a cluster
 * and the embedded broker allow exactly the same. {@code deploy/base/kafka-users.yaml} is this
 * output (a test keeps them equal).
 */
public final class StrimziUsers {
  /** The manifest text. */
  public static String yaml(String cluster) {
    StringBuilder y =
        new StringBuilder(
            "# One KafkaUser per plora service (and operator): SCRAM-SHA-512, simple authorization, only its own\n"
                + "# topics and group. Generated from services/dev-broker MeshAcls, the grants the embedded broker applies;\n"
                + "# StrimziUsersTest keeps this file equal to it (PLORA_WRITE_MANIFESTS=1 rewrites it). Last, plora-autoscaler:\n"
                + "# KEDA's, which may only describe the task topics and the workers' groups (their lag).\n");
    Map<String, List<MeshAcls.Grant>> users = new LinkedHashMap<>(MeshAcls.grants());
    users.put("autoscaler", MeshAcls.autoscaler());
    users.forEach(
        (principal, grants) -> {
          y.append("---\n")
              .append("apiVersion: kafka.strimzi.io/v1\n")
              .append("kind: KafkaUser\n")
              .append("metadata:\n")
              .append("  name: plora-")
              .append(principal)
              .append('\n')
              .append("  labels:\n")
              .append("    strimzi.io/cluster: ")
              .append(cluster)
              .append('\n')
              .append("spec:\n")
              .append("  authentication:\n")
              .append("    type: scram-sha-512\n")
              .append("  authorization:\n")
              .append("    type: simple\n")
              .append("    acls:\n");
          byResource(grants)
              .forEach(
                  (resource, ops) ->
                      y.append("      - resource: {type: ")
                          .append(resource.get(0))
                          .append(", name: \"")
                          .append(resource.get(1))
                          .append("\", patternType: ")
                          .append(resource.get(2))
                          .append("}\n        operations: [")
                          .append(String.join(", ", ops))
                          .append("]\n"));
        });
    return y.toString();
  }

  /** [type, name, patternType] → operations, in first-grant order. */
  static Map<List<String>, List<String>> byResource(List<MeshAcls.Grant> grants) {
    Map<List<String>, List<String>> out = new LinkedHashMap<>();
    for (MeshAcls.Grant g : grants) {
      List<String> key =
          List.of(
              g.type().name().toLowerCase(Locale.ROOT),
              g.name(),
              g.pattern() == PatternType.PREFIXED ? "prefix" : "literal");
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(operation(g.operation()));
    }
    return out;
  }

  /** Strimzi's spelling: Read, Write, Create, Describe, DescribeConfigs. */
  static String operation(AclOperation op) {
    StringBuilder s = new StringBuilder();
    for (String part : op.name().split("_")) {
      s.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return s.toString();
  }

  private StrimziUsers() {}
}
