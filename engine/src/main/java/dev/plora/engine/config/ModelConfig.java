package dev.plora.engine.config;

import java.nio.file.Path;

/**
 * The pretrained model and the head put on it.
 *
 * @param source {@value #DEFAULT_SOURCE} for the bundled all-MiniLM-L6-v2, or the path of an .onnx
 *     file
 * @param tokenizer its tokenizer.json; null: the bundled one, or {@code tokenizer.json} beside the
 *     model
 * @param pooling how token states become one vector per text for the classification head
 */
public record ModelConfig(String source, Path tokenizer, Pooling pooling) {
  public static final String DEFAULT_SOURCE = "default";
  public static final ModelConfig DEFAULTS = new ModelConfig(DEFAULT_SOURCE, null, Pooling.MEAN);

  public ModelConfig {
    Check.notBlank("model.source", source);
    if (pooling == null) {
      throw new ConfigException("model.pooling", "must be mean or first");
    }
  }

  public boolean isDefault() {
    return source.equals(DEFAULT_SOURCE);
  }

  public ModelConfig withSource(String source, Path tokenizer) {
    return new ModelConfig(source, tokenizer, pooling);
  }

  public ModelConfig withPooling(Pooling pooling) {
    return new ModelConfig(source, tokenizer, pooling);
  }
}
