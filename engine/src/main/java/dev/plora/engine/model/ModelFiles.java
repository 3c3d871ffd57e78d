package dev.plora.engine.model;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model's {@code .onnx} file and its {@code tokenizer.json}, resolved from a {@link ModelConfig}:
 * {@code default} for the bundled model, or a path (the tokenizer defaults to a {@code
 * tokenizer.json} next to the model).
 */
public record ModelFiles(Path onnx, Path tokenizer) {

  public static ModelFiles resolve(ModelConfig model) {
    return resolve(model.source(), model.tokenizer());
  }

  /**
   * @param model "default" or a path to an .onnx file
   * @param tokenizer a path to tokenizer.json, or null to use the default one for the model
   */
  public static ModelFiles resolve(String model, Path tokenizer) {
    if (model == null || model.equals(ModelConfig.DEFAULT_SOURCE)) {
      return new ModelFiles(
          DefaultModel.onnx(), tokenizer != null ? checked(tokenizer) : DefaultModel.tokenizer());
    }
    Path onnx = Path.of(model);
    if (!Files.isRegularFile(onnx)) {
      throw new ConfigException(
          "model.source",
          "names no file: " + model + " (use 'default' for " + DefaultModel.NAME + ")");
    }
    Path tok =
        tokenizer != null ? tokenizer : onnx.toAbsolutePath().getParent().resolve("tokenizer.json");
    return new ModelFiles(onnx, tok);
  }

  /** The tokenizer path, checked to exist. */
  public Path requireTokenizer() {
    return checked(tokenizer);
  }

  private static Path checked(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(
          "model.tokenizer", "names no file: " + p + " (give the model's tokenizer.json)");
    }
    return p;
  }
}
