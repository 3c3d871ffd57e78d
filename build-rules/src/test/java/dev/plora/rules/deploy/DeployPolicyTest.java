package dev.plora.rules.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rendered overlays keep the isolation docs/security.md promises. */
class DeployPolicyTest {
  static final Path OVERLAYS =
      Path.of(System.getProperty("plora.root", ".."), "deploy", "overlays");
  static Manifests base;

  @BeforeAll
  static void read() throws Exception {
    base = Manifests.rendered(OVERLAYS.resolve("cpu"));
    assertThat(base.ofKind("Deployment", "StatefulSet")).hasSize(5);
  }

  /** The GPU overlay changes only the trainer: every policy holds for it too. */
  @Test
  void theGpuOverlayKeepsEveryPolicy() throws Exception {
    Manifests gpu = Manifests.rendered(OVERLAYS.resolve("gpu"));
    assertThat(DeployPolicy.podsAreRestricted(gpu)).isEmpty();
    assertThat(DeployPolicy.networkIsolated(gpu, "plora-gateway", 9000)).isEmpty();
    assertThat(DeployPolicy.kafkaAuthenticates(gpu)).isEmpty();
    assertThat(DeployPolicy.noInlineSecrets(gpu)).isEmpty();
    assertThat(DeployPolicy.containersAreSized(gpu)).isEmpty();
    assertThat(DeployPolicy.autoscalingFitsPartitions(gpu, "plora-gateway")).isEmpty();
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
    assertThat(base.ofKind("KafkaUser")).hasSize(7); // five services, operator, autoscaler
    assertThat(DeployPolicy.noInlineSecrets(base)).isEmpty();
  }

  @Test
  void everyContainerIsSizedAndProbedAndAutoscalingStaysWithinPartitions() {
    assertThat(DeployPolicy.containersAreSized(base)).isEmpty();
    assertThat(base.ofKind("ScaledObject")).hasSize(4);
    assertThat(DeployPolicy.autoscalingFitsPartitions(base, "plora-gateway")).isEmpty();
  }

  /** The GPU overlay gives the trainer everything DJL needs for an external CUDA libtorch. */
  @Test
  void theGpuOverlaySetsFlavorVersionLibraryAndAGpu() throws Exception {
    Manifests gpu = Manifests.rendered(OVERLAYS.resolve("gpu"));
    JsonNode trainer =
        gpu.ofKind("StatefulSet").stream()
            .filter(m -> m.name().equals("plora-trainer"))
            .findFirst()
            .orElseThrow()
            .doc()
            .path("spec")
            .path("template")
            .path("spec");
    JsonNode container = trainer.path("containers").get(0);
    java.util.Map<String, String> env = new java.util.HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertThat(env)
        .containsEntry("PYTORCH_FLAVOR", "cu128")
        .containsEntry("PYTORCH_VERSION", "2.7.1")
        .containsKey("PYTORCH_LIBRARY_PATH");
    assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asInt())
        .isEqualTo(1);
    assertThat(container.path("image").asText()).isEqualTo("plora/trainer-cuda:0.1.0");
    assertThat(trainer.path("nodeSelector").path("nvidia.com/gpu.present").asText())
        .isEqualTo("true");
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
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: too-many}
                spec:
                  scaleTargetRef: {name: plora-gateway}
                  maxReplicaCount: 9
                  triggers: [{type: kafka, metadata: {topic: t}}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {topicName: t, partitions: 3}
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
    assertThat(DeployPolicy.containersAreSized(bad))
        .containsExactlyInAnyOrder(
            "Deployment rogue (bad.yaml) container c: no cpu and memory requests",
            "Deployment rogue (bad.yaml) container c: no memory limit",
            "Deployment rogue (bad.yaml) container c: no readinessProbe",
            "Deployment rogue (bad.yaml) container c: no livenessProbe");
    assertThat(DeployPolicy.autoscalingFitsPartitions(bad, "plora-gateway"))
        .containsExactlyInAnyOrder(
            "ScaledObject too-many (bad.yaml): scales the gateway, the one writer of job state",
            "ScaledObject too-many (bad.yaml): targets plora-gateway, which no manifest defines",
            "ScaledObject too-many (bad.yaml): up to 9 replicas for 3 partitions of t");
    assertThat(DeployPolicy.noInlineSecrets(bad))
        .containsExactly(
            "Deployment rogue (bad.yaml): env PLORA_KAFKA_JAAS holds secret material inline");
  }
}
