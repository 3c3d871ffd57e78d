package dev.plora.engine.model;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.TensorProto;
import java.util.OptionalInt;

/**
 * What a model can take: the length of its position-embedding table. A longer {@code maxLength}
 * would only fail deep inside the graph (a Gather index out of range), so it is refused up front,
 * naming the setting.
 */
public final class ModelLimits {
  private ModelLimits() {}

  /**
   * Rows of the model's position-embedding table (an initializer whose name says {@code
   * position_embeddings}, shape {@code [positions, hidden]}), or empty when the model has none that
   * plora recognises.
   */
  public static OptionalInt maxPositions(OnnxModel model) {
    for (TensorProto t : model.graph().getInitializerList()) {
      if (t.getName().contains("position_embeddings") && t.getDimsCount() == 2) {
        long rows = t.getDims(0);
        // The dims come from the file: a negative count is left to the tensor decoder to refuse,
        // and a count beyond int takes any maxLength.
        return rows < 0
            ? OptionalInt.empty()
            : OptionalInt.of((int) Math.min(rows, Integer.MAX_VALUE));
      }
    }
    return OptionalInt.empty();
  }

  /** Refuses a {@code maxLength} above the model's positions. */
  public static void checkMaxLength(OnnxModel model, int maxLength) {
    OptionalInt positions = maxPositions(model);
    if (positions.isPresent() && maxLength > positions.getAsInt()) {
      throw new ConfigException(
          "training.maxLength",
          "is "
              + maxLength
              + ", but the model has "
              + positions.getAsInt()
              + " positions ("
              + model.source()
              + ")");
    }
  }
}
