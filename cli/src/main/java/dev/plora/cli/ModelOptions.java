package dev.plora.cli;

import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.config.Pooling;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --tokenizer}, shared by the commands that run a base model. */
final class ModelOptions {
  @Option(
      names = "--model",
      defaultValue = "${plora.defaults.model.source}",
      description = "an .onnx file, or 'default' (all-MiniLM-L6-v2)")
  String model;

  @Option(names = "--tokenizer", description = "tokenizer.json (default: the model's own)")
  Path tokenizer;

  ModelConfig config(Pooling pooling) {
    return new ModelConfig(model, tokenizer, pooling);
  }

  ModelConfig config() {
    return config(ModelConfig.DEFAULTS.pooling());
  }
}
