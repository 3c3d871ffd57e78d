package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values of the shape-only part of a graph (Shape → Gather → Concat → Reshape targets and masks
 * built from constants), kept per input-shape signature so each is computed once per signature.
 * Bounded: the least recently used signature is evicted and its arrays freed.
 */
final class StaticValueCache implements AutoCloseable {
  static final class Entry {
    final NDManager manager;
    final Map<String, NDArray> values = new HashMap<>();

    Entry(NDManager manager) {
      this.manager = manager;
    }
  }

  private final NDManager parent;
  private final int capacity;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  StaticValueCache(NDManager parent, int capacity) {
    this.parent = parent;
    this.capacity = capacity;
  }

  synchronized Entry get(String signature) {
    return entries.get(signature);
  }

  synchronized Entry create(String signature) {
    Entry e = new Entry(parent.newSubManager());
    entries.put(signature, e);
    if (entries.size() > capacity) {
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      it.next().getValue().manager.close();
      it.remove();
    }
    return e;
  }

  synchronized void clear() {
    entries.values().forEach(e -> e.manager.close());
    entries.clear();
  }

  synchronized int size() {
    return entries.size();
  }

  @Override
  public void close() {
    clear();
  }
}
