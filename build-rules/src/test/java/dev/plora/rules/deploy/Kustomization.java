package dev.plora.rules.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the features plora's
 * manifests use: resources (files and other kustomizations), strategic-merge patches by path,
 * {@code namespace}, {@code labels} (metadata only) and {@code images}. So the build checks the
 * objects a cluster receives without needing kubectl; {@link KustomizationTest} compares it with
 * kubectl where kubectl is installed. Anything else in a kustomization is refused, not ignored.
 */
final class Kustomization {
  private static final Set<String> SUPPORTED =
      Set.of("apiVersion", "kind", "resources", "patches", "namespace", "labels", "images");

  /** Kinds without a namespace (those plora's manifests could hold). */
  private static final Set<String> CLUSTER_SCOPED =
      Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition");

  /**
   * Strategic-merge keys of the lists plora patches: list items with the same key merge, others are
   * appended; any other list is replaced, as Kubernetes does for lists without a patch key.
   */
  private static final Map<String, String> MERGE_KEYS =
      Map.of(
          "containers", "name",
          "initContainers", "name",
          "env", "name",
          "volumes", "name",
          "volumeMounts", "mountPath",
          "ports", "containerPort");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Kustomization() {}

  /** The objects of the kustomization in {@code dir}, in kustomize's order. */
  static List<Manifests.Manifest> render(Path dir) throws IOException {
    Path file = dir.resolve("kustomization.yaml");
    JsonNode k = YAML.readTree(file.toFile());
    k.fieldNames()
        .forEachRemaining(
            f -> {
              if (!SUPPORTED.contains(f)) {
                throw new IllegalArgumentException(
                    file
                        + ": '"
                        + f
                        + "' is not supported by this renderer (only "
                        + SUPPORTED
                        + ")");
              }
            });
    List<Manifests.Manifest> out = new ArrayList<>();
    for (JsonNode r : k.path("resources")) {
      Path p = dir.resolve(r.asText()).normalize();
      out.addAll(Files.isDirectory(p) ? render(p) : Manifests.parse(p, Files.readString(p)));
    }
    for (JsonNode patch : k.path("patches")) {
      Path p = dir.resolve(patch.path("path").asText()).normalize();
      for (Manifests.Manifest m : Manifests.parse(p, Files.readString(p))) {
        Manifests.Manifest target =
            out.stream()
                .filter(o -> o.kind().equals(m.kind()) && o.name().equals(m.name()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            p + ": patches " + m + ", which is not there"));
        merge((ObjectNode) target.doc(), (ObjectNode) m.doc());
      }
    }
    String namespace = k.path("namespace").asText("");
    for (Manifests.Manifest m : out) {
      ObjectNode meta = (ObjectNode) m.doc().path("metadata");
      if (!namespace.isEmpty() && !CLUSTER_SCOPED.contains(m.kind())) {
        meta.put("namespace", namespace);
      }
      for (JsonNode l : k.path("labels")) {
        if (l.path("includeSelectors").asBoolean(false)
            || l.path("includeTemplates").asBoolean(false)) {
          throw new IllegalArgumentException(
              file + ": labels on selectors/templates not supported");
        }
        ObjectNode labels =
            meta.has("labels") ? (ObjectNode) meta.get("labels") : meta.putObject("labels");
        l.path("pairs").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
      }
      for (JsonNode image : k.path("images")) {
        retag(m.doc(), image);
      }
    }
    return out;
  }

  /** Strategic merge of {@code patch} into {@code target}. */
  private static void merge(ObjectNode target, ObjectNode patch) {
    patch
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode t = target.get(e.getKey());
              JsonNode p = e.getValue();
              if (t instanceof ObjectNode to && p instanceof ObjectNode po) {
                merge(to, po);
              } else if (t instanceof ArrayNode ta
                  && p instanceof ArrayNode pa
                  && MERGE_KEYS.containsKey(e.getKey())) {
                // kustomize's order: the patch's items first (merged with the target's item of
                // the same key), then the target's items the patch does not name.
                String key = MERGE_KEYS.get(e.getKey());
                ArrayNode merged = ta.arrayNode();
                for (JsonNode item : pa) {
                  JsonNode result = item.deepCopy();
                  for (JsonNode existing : ta) {
                    if (existing.path(key).equals(item.path(key))
                        && existing instanceof ObjectNode so
                        && item instanceof ObjectNode io) {
                      result = so.deepCopy();
                      merge((ObjectNode) result, io);
                    }
                  }
                  merged.add(result);
                }
                for (JsonNode existing : ta) {
                  boolean named = false;
                  for (JsonNode item : pa) {
                    named |= existing.path(key).equals(item.path(key));
                  }
                  if (!named) {
                    merged.add(existing);
                  }
                }
                target.set(e.getKey(), merged);
              } else {
                target.set(e.getKey(), p.deepCopy());
              }
            });
  }

  /** kustomize's images: a container image named {@code name} gets newName and/or newTag. */
  private static void retag(JsonNode doc, JsonNode image) {
    String name = image.path("name").asText();
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : doc.path("spec").path("template").path("spec").path(list)) {
        String current = c.path("image").asText();
        int colon = current.lastIndexOf(':');
        boolean tagged = colon > current.lastIndexOf('/');
        String repo = tagged ? current.substring(0, colon) : current;
        if (!repo.equals(name)) {
          continue;
        }
        String tag = image.path("newTag").asText(tagged ? current.substring(colon + 1) : "");
        String newRepo = image.path("newName").asText(repo);
        ((ObjectNode) c).put("image", tag.isEmpty() ? newRepo : newRepo + ":" + tag);
      }
    }
  }
}
