package dev.plora.engine.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/** Refuses to export an adapter holding NaN or infinite values, naming the module and tensor. */
final class FiniteCheck {
  private FiniteCheck() {}

  static void requireFinite(NDList tensors, String source) {
    for (NDArray a : tensors) {
      if (!a.getDataType().isFloating()) {
        continue;
      }
      float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          String name = a.getName();
          int dot = name.lastIndexOf('.');
          throw new ExportException(
              source
                  + ": tensor '"
                  + name.substring(dot + 1)
                  + "' of module '"
                  + (dot > 0 ? name.substring(0, dot) : name)
                  + "' holds "
                  + v[i]
                  + " at index "
                  + i
                  + "; refusing to export a broken adapter");
        }
      }
    }
  }
}
