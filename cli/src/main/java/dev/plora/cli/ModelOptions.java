package dev.plora.cli;

import dev.plora.engine.model.ModelFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --tokenizer}, shared by the commands that run a base model. */
final class ModelOptions {
  @Option(names = "--model", defaultValue = "default", description = "an .onnx file, or 'default' (all-MiniLM-L6-v2)")
  String model;

  @Option(names = "--tokenizer", description = "tokenizer.json (default: the model's own)")
  Path tokenizer;

  ModelFiles resolve() {
    return ModelFiles.resolve(model, tokenizer);
  }
}
