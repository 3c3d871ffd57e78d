package dev.plora.rules.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's renderer against hand-written expectations, and against kubectl where it exists. */
class KustomizationTest {
  static final Path DEPLOY = Path.of(System.getProperty("plora.root", ".."), "deploy");

  @Test
  void anOverlayGetsNamespaceLabelsImagesAndItsPatchMergedByName(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("base"));
    Files.createDirectories(dir.resolve("overlay"));
    Files.writeString(
        dir.resolve("base/kustomization.yaml"),
        """
        namespace: ns
        labels: [{pairs: {part: p}, includeSelectors: false}]
        resources: [app.yaml, namespace.yaml]
        images: [{name: img/a, newTag: "2"}]
        """);
    Files.writeString(
        dir.resolve("base/namespace.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n");
    Files.writeString(
        dir.resolve("base/app.yaml"),
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: app, labels: {app: a}}
        spec:
          selector: {matchLabels: {app: a}}
          template:
            spec:
              tolerations: [{key: old}]
              containers:
                - name: c
                  image: img/a
                  env: [{name: KEEP, value: "1"}, {name: CHANGE, value: before}]
                - {name: side, image: img/side:1}
        """);
    Files.writeString(
        dir.resolve("overlay/kustomization.yaml"),
        """
        resources: [../base]
        images: [{name: img/a, newName: img/a-gpu}]
        patches: [{path: patch.yaml}]
        """);
    Files.writeString(
        dir.resolve("overlay/patch.yaml"),
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: app}
        spec:
          template:
            spec:
              tolerations: [{key: new}]
              containers:
                - name: c
                  env: [{name: CHANGE, value: after}, {name: ADD, value: "3"}]
        """);
    List<Manifests.Manifest> out = Kustomization.render(dir.resolve("overlay"));
    assertThat(out)
        .extracting(Manifests.Manifest::kind)
        .containsExactly("StatefulSet", "Namespace");
    JsonNode app = out.get(0).doc();
    assertThat(app.at("/metadata/namespace").asText()).isEqualTo("ns");
    assertThat(app.at("/metadata/labels").toString()).isEqualTo("{\"app\":\"a\",\"part\":\"p\"}");
    assertThat(app.at("/spec/selector/matchLabels").toString()).isEqualTo("{\"app\":\"a\"}");
    JsonNode pod = app.at("/spec/template/spec");
    assertThat(pod.at("/tolerations").toString()).isEqualTo("[{\"key\":\"new\"}]");
    assertThat(pod.at("/containers/0/image").asText()).isEqualTo("img/a-gpu:2");
    assertThat(pod.at("/containers/1/image").asText()).isEqualTo("img/side:1");
    assertThat(pod.at("/containers/0/env").toString())
        .isEqualTo(
            "[{\"name\":\"CHANGE\",\"value\":\"after\"},{\"name\":\"ADD\",\"value\":\"3\"},"
                + "{\"name\":\"KEEP\",\"value\":\"1\"}]");
    assertThat(out.get(1).doc().at("/metadata/namespace").isMissingNode()).isTrue();
  }

  @Test
  void whatItCannotRenderIsRefusedNotIgnored(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "kind: Kustomization\nreplicas: [{name: x, count: 2}]\n");
    assertThatThrownBy(() -> Kustomization.render(dir))
        .hasMessageContaining("'replicas' is not supported");
  }

  /** The renderer and kubectl agree on both overlays, object for object (where kubectl exists). */
  @Test
  void bothOverlaysRenderAsKubectlRendersThem() throws Exception {
    Assumptions.assumeTrue(kubectl(), "kubectl is not installed here");
    for (String overlay : List.of("cpu", "gpu")) {
      Path dir = DEPLOY.resolve("overlays").resolve(overlay);
      Process p =
          new ProcessBuilder("kubectl", "kustomize", dir.toString())
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(text).isTrue();
      Set<JsonNode> theirs =
          Manifests.parse(Path.of("kubectl"), text).stream()
              .map(Manifests.Manifest::doc)
              .collect(Collectors.toSet());
      Set<JsonNode> ours =
          Kustomization.render(dir).stream()
              .map(Manifests.Manifest::doc)
              .collect(Collectors.toSet());
      assertThat(ours).as(overlay).hasSize(41).containsExactlyInAnyOrderElementsOf(theirs);
    }
  }

  private static boolean kubectl() {
    try {
      return new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
