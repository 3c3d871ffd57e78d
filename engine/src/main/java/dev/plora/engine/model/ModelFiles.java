package dev.plora.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model's {@code .onnx} file and its {@code tokenizer.json}, resolved from what a user typed:
 * {@code default} for the bundled model, or a path (the tokenizer defaults to a {@code tokenizer.json}
 * next to the model).
 */
public record ModelFiles(Path onnx, Path tokenizer) {

  /**
   * Resolves {@code --model} and {@code --tokenizer}.
   *
   * @param model "default" or a path to an .onnx file
   * @param tokenizer a path to tokenizer.json, or null to use the default one for the model
   */
  public static ModelFiles resolve(String model, Path tokenizer) {
    if (model == null || model.equals("default")) {
      return new ModelFiles(DefaultModel.onnx(), tokenizer != null ? checked(tokenizer) : DefaultModel.tokenizer());
    }
    Path onnx = Path.of(model);
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalArgumentException("--model: no such file " + model + " (use 'default' for "
          + DefaultModel.NAME + ")");
    }
    Path tok = tokenizer;
    if (tok == null) {
      Path parent = onnx.toAbsolutePath().getParent();
      tok = parent.resolve("tokenizer.json");
    }
    return new ModelFiles(onnx, tok);
  }

  /** The tokenizer path, checked to exist. */
  public Path requireTokenizer() {
    return checked(tokenizer);
  }

  private static Path checked(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("--tokenizer: no such file " + p
          + " (pass the model's tokenizer.json with --tokenizer)");
    }
    return p;
  }
}
