package dev.plora.rules.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/base keeps the isolation docs/security.md promises. */
class DeployPolicyTest {
  static Manifests base;

  @BeforeAll
  static void read() throws Exception {
    base = Manifests.read(Path.of(System.getProperty("plora.root", ".."), "deploy", "base"));
    assertThat(base.ofKind("Deployment", "StatefulSet")).hasSize(5);
  }

  @Test
  void everyPodMeetsTheRestrictedStandard() {
    assertThat(DeployPolicy.podsAreRestricted(base)).isEmpty();
    assertThat(DeployPolicy.namespacesEnforceRestricted(base)).isEmpty();
  }

  @Test
  void onlyTheGatewaysGrpcPortIsReachableAndPodsReachOnlyKafkaAndDns() {
    assertThat(DeployPolicy.networkIsolated(base, "plora-gateway", 9000)).isEmpty();
  }

  @Test
  void kafkaAuthenticatesAndAuthorizesAndSecretsComeFromSecrets() {
    assertThat(DeployPolicy.kafkaAuthenticates(base)).isEmpty();
    assertThat(base.ofKind("KafkaUser")).hasSize(6);
    assertThat(DeployPolicy.noInlineSecrets(base)).isEmpty();
  }

  /** The checks can fail: a manifest that breaks each promise is reported, naming what broke. */
  @Test
  void aWorkloadThatBreaksThePolicyIsReported() throws Exception {
    Manifests bad =
        new Manifests(
            Manifests.parse(
                Path.of("bad.yaml"),
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: x}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: rogue}
                spec:
                  template:
                    metadata: {labels: {app.kubernetes.io/name: rogue}}
                    spec:
                      securityContext: {runAsNonRoot: true}
                      containers:
                        - name: c
                          env: [{name: PLORA_KAFKA_JAAS, value: "x.ScramLoginModule required password=\\"p\\";"}]
                          securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [NET_RAW]}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: open}
                spec:
                  podSelector: {matchLabels: {app.kubernetes.io/name: rogue}}
                  policyTypes: [Ingress, Egress]
                  ingress: [{ports: [{port: 8080}]}]
                  egress: [{}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: k}
                spec:
                  kafka:
                    listeners: [{name: plain, port: 9092, type: internal, tls: false}]
                """));
    assertThat(DeployPolicy.podsAreRestricted(bad))
        .containsExactlyInAnyOrder(
            "Deployment rogue (bad.yaml): pod seccompProfile is not RuntimeDefault",
            "Deployment rogue (bad.yaml) container c: allowPrivilegeEscalation is not false",
            "Deployment rogue (bad.yaml) container c: does not drop ALL capabilities");
    assertThat(DeployPolicy.namespacesEnforceRestricted(bad))
        .containsExactly(
            "Namespace x (bad.yaml): pod-security.kubernetes.io/enforce is '', not restricted");
    assertThat(DeployPolicy.networkIsolated(bad, "plora-gateway", 9000))
        .containsExactlyInAnyOrder(
            "Deployment rogue (bad.yaml): no deny-all NetworkPolicy selects app.kubernetes.io/name=rogue",
            "NetworkPolicy open (bad.yaml): an ingress rule open to any source that is not the gateway's gRPC port",
            "NetworkPolicy open (bad.yaml): an egress rule open to any destination");
    assertThat(DeployPolicy.kafkaAuthenticates(bad))
        .isEqualTo(
            List.of(
                "Kafka k (bad.yaml): no authorization",
                "Kafka k (bad.yaml) listener plain: not TLS",
                "Kafka k (bad.yaml) listener plain: no authentication"));
    assertThat(DeployPolicy.noInlineSecrets(bad))
        .containsExactly(
            "Deployment rogue (bad.yaml): env PLORA_KAFKA_JAAS holds secret material inline");
  }
}
