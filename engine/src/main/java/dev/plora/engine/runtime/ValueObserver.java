package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;

/**
 * Sees a named value as soon as it is computed, e.g. to capture a layer's inputs. The array is only
 * valid during the call: keep a copy, not the reference.
 */
@FunctionalInterface
public interface ValueObserver {
  void observe(String valueName, NDArray value);
}
