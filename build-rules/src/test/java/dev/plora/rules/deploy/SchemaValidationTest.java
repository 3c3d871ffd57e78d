package dev.plora.rules.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every object both overlays render is valid against the vendored Kubernetes, Strimzi and KEDA
 * schemas (strictly: no unknown fields), and a broken object is reported with where it broke.
 */
class SchemaValidationTest {
  static ObjectSchemas schemas;

  @BeforeAll
  static void load() {
    schemas = new ObjectSchemas();
  }

  @Test
  void everyObjectOfBothOverlaysValidates() throws Exception {
    for (String overlay : List.of("cpu", "gpu")) {
      Manifests rendered = Manifests.rendered(DeployPolicyTest.OVERLAYS.resolve(overlay));
      assertThat(rendered.all()).hasSize(41);
      List<String> errors = new ArrayList<>();
      for (Manifests.Manifest m : rendered.all()) {
        schemas.validate(m.doc()).forEach(e -> errors.add(overlay + ": " + m + " " + e));
      }
      assertThat(errors).isEmpty();
    }
  }

  @Test
  void aBrokenObjectIsReportedWithWhereItBroke() throws Exception {
    List<Manifests.Manifest> bad =
        Manifests.parse(
            Path.of("bad.yaml"),
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: typo}
            spec:
              replicas: two
              selector: {matchLabels: {a: b}}
              template:
                spec:
                  containers:
                    - name: c
                      image: x
                      securityContxt: {runAsNonRoot: true}
                      ports: [{containerPort: http}]
            ---
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaTopic
            metadata: {name: t}
            spec: {partitions: "3", replicas: 3, topicNam: t}
            ---
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: {name: s}
            spec: {maxReplicaCount: 3, triggers: []}
            ---
            apiVersion: kafka.strimzi.io/v1beta2
            kind: KafkaUser
            metadata: {name: old}
            spec: {}
            """);
    assertThat(schemas.validate(bad.get(0).doc()))
        .containsExactlyInAnyOrder(
            "/spec/replicas: string found, integer expected",
            "/spec/template/spec/containers/0: property 'securityContxt' is not defined in the schema"
                + " and the schema does not allow additional properties",
            "/spec/template/spec/containers/0/ports/0/containerPort: string found, integer expected");
    assertThat(schemas.validate(bad.get(1).doc()))
        .containsExactlyInAnyOrder(
            "/spec/partitions: string found, integer expected",
            "/spec: property 'topicNam' is not defined in the schema and the schema does not allow"
                + " additional properties");
    assertThat(schemas.validate(bad.get(2).doc()))
        .containsExactlyInAnyOrder(
            "/spec: required property 'scaleTargetRef' not found",
            "/spec/triggers: must have at least 1 items but found 0");
    assertThat(schemas.validate(bad.get(3).doc()))
        .singleElement()
        .asString()
        .startsWith("no schema for kafka.strimzi.io/v1beta2/KafkaUser");
  }
}
