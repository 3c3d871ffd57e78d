package dev.plora.rules.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The schemas a cluster checks plora's objects against, vendored under {@code schemas/} with their
 * versions and sources ({@code schemas/SOURCES.md}): Kubernetes' OpenAPI definitions and the
 * Strimzi and KEDA CRDs' {@code openAPIV3Schema}s.
 *
 * <p>Strict, as {@code kubectl apply --validate=strict} is: an object schema with properties admits
 * no other field (a misspelled field is an error, not silently dropped), unless the schema
 * preserves unknown fields. Two Kubernetes types are widened to what the API server accepts:
 * IntOrString (an integer or a string) and Quantity (a string or a number).
 */
final class ObjectSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> CRDS =
      List.of(
          "strimzi/040-Crd-kafka.yaml",
          "strimzi/043-Crd-kafkatopic.yaml",
          "strimzi/044-Crd-kafkauser.yaml",
          "strimzi/045-Crd-kafkanodepool.yaml",
          "keda/keda.sh_scaledobjects.yaml",
          "keda/keda.sh_triggerauthentications.yaml");

  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
  private final SchemaValidatorsConfig config =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();

  /** "apiVersion/Kind" to its schema document. */
  private final Map<String, JsonNode> documents = new HashMap<>();

  private final Map<String, JsonSchema> compiled = new HashMap<>();

  ObjectSchemas() {
    loadKubernetes();
    for (String crd : CRDS) {
      loadCrd(crd);
    }
  }

  /**
   * What is wrong with {@code object}, each as "path: message"; empty when it validates. An
   * apiVersion and kind no vendored schema knows is itself an error.
   */
  List<String> validate(JsonNode object) {
    String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    JsonNode document = documents.get(key);
    if (document == null) {
      return List.of("no schema for " + key + " (known: " + documents.keySet().size() + " kinds)");
    }
    JsonSchema schema = compiled.computeIfAbsent(key, k -> factory.getSchema(document, config));
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : schema.validate(object)) {
      out.add(m.getMessage()); // "/spec/replicas: string found, integer expected"
    }
    return out.stream().sorted().toList();
  }

  private void loadKubernetes() {
    JsonNode bundle;
    try (InputStream in =
        new GZIPInputStream(resource("kubernetes/kubernetes-openapi-v1.21.2.json.gz"))) {
      bundle = JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode definitions = (ObjectNode) bundle.get("definitions").deepCopy();
    definitions.forEach(ObjectSchemas::strict);
    definitions.set(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        JSON.createObjectNode().set("type", JSON.createArrayNode().add("integer").add("string")));
    definitions.set(
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        JSON.createObjectNode().set("type", JSON.createArrayNode().add("string").add("number")));
    for (JsonNode r : bundle.get("resources")) {
      if (!r.has("definition")) {
        continue; // subresource options (PodExecOptions, ...): not objects one applies
      }
      ObjectNode doc = JSON.createObjectNode();
      doc.put("$ref", "#/definitions/" + r.get("definition").asText());
      doc.set("definitions", definitions);
      documents.put(r.get("apiVersion").asText() + "/" + r.get("kind").asText(), doc);
    }
  }

  private void loadCrd(String name) {
    JsonNode crd;
    try (InputStream in = resource(name)) {
      crd = YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String group = crd.at("/spec/group").asText();
    String kind = crd.at("/spec/names/kind").asText();
    for (JsonNode v : crd.at("/spec/versions")) {
      if (!v.path("served").asBoolean()) {
        continue;
      }
      JsonNode schema = v.at("/schema/openAPIV3Schema").deepCopy();
      strict(schema);
      documents.put(group + "/" + v.path("name").asText() + "/" + kind, schema);
    }
  }

  /**
   * Closes every object schema that lists its properties, as strict validation does; schemas that
   * preserve unknown fields or give additionalProperties stay as they are.
   */
  private static void strict(JsonNode schema) {
    if (schema instanceof ObjectNode o) {
      if (o.has("properties")
          && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        o.put("additionalProperties", false);
      }
      // Kubernetes' own annotations of a schema (list types, merge keys, ...): not validation.
      o.properties().removeIf(e -> e.getKey().startsWith("x-kubernetes-"));
      for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
        strict(it.next());
      }
    } else if (schema != null && schema.isArray()) {
      schema.forEach(ObjectSchemas::strict);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = ObjectSchemas.class.getResourceAsStream("/schemas/" + name);
    if (in == null) {
      throw new IllegalStateException("schemas/" + name + " is not on the test classpath");
    }
    return in;
  }
}
