package dev.plora.jobs;

import dev.plora.engine.config.ModelConfig;
import dev.plora.engine.model.DefaultModel;
import dev.plora.engine.model.ModelLimits;
import dev.plora.engine.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The position-table length of the models jobs name, looked up once per model file (by path, size
 * and modification time): admission refuses a {@code max_length} the model cannot take without
 * reading a large model on every submission.
 */
final class ModelPositions {
  private static final Map<String, OptionalInt> CACHE = new ConcurrentHashMap<>();

  private ModelPositions() {}

  /**
   * The positions of the model {@code source} ("default" or a resolved path), if it can be read.
   */
  static OptionalInt of(String source) {
    Path file = source.equals(ModelConfig.DEFAULT_SOURCE) ? DefaultModel.onnx() : Path.of(source);
    try {
      String key =
          file.toAbsolutePath()
              + "|"
              + Files.size(file)
              + "|"
              + Files.getLastModifiedTime(file).toMillis();
      return CACHE.computeIfAbsent(key, k -> ModelLimits.maxPositions(OnnxModel.load(file)));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty(); // unreadable here: the worker's own check will name the problem
    }
  }
}
