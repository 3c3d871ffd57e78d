package dev.plora.rules.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every YAML document under a folder, as trees; each remembers the file it came from. */
record Manifests(List<Manifest> all) {
  record Manifest(Path file, JsonNode doc) {
    String kind() {
      return doc.path("kind").asText();
    }

    String name() {
      return doc.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return kind() + " " + name() + " (" + file.getFileName() + ")";
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The objects a kustomization renders to ({@link Kustomization}), e.g. deploy/overlays/cpu. */
  static Manifests rendered(Path kustomization) throws IOException {
    return new Manifests(Kustomization.render(kustomization));
  }

  static List<Manifest> parse(Path file, String text) throws IOException {
    List<Manifest> out = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(text)) {
      for (JsonNode doc : YAML.readValues(p, JsonNode.class).readAll()) {
        if (doc != null && doc.has("kind")) {
          out.add(new Manifest(file, doc));
        }
      }
    }
    return out;
  }

  List<Manifest> ofKind(String... kinds) {
    return all.stream().filter(m -> List.of(kinds).contains(m.kind())).toList();
  }
}
