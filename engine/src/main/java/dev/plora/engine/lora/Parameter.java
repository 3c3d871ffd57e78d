package dev.plora.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.plora.engine.base.OwnedArrays;

/**
 * A trainable tensor: a leaf that requires gradients. The optimizer updates it in place outside
 * gradient recording and zeroes its gradient (see AdamW); {@link #set} puts a fresh leaf in its
 * place (restoring a checkpoint, rewinding IMP).
 *
 * @see dev.plora.engine.train.AdamW
 */
public final class Parameter {
  private final String name;
  private final NDManager manager;
  private final double lrScale;
  private final boolean decay;
  private NDArray value;

  /**
   * @param lrScale multiplier on the learning rate (sparse adapters train with 1/density)
   * @param decay whether weight decay applies
   */
  public Parameter(String name, NDArray initial, NDManager manager, double lrScale, boolean decay) {
    this.name = name;
    this.manager = manager;
    this.lrScale = lrScale;
    this.decay = decay;
    set(initial);
  }

  public String name() {
    return name;
  }

  public NDArray value() {
    return value;
  }

  public double lrScale() {
    return lrScale;
  }

  public boolean decay() {
    return decay;
  }

  public long size() {
    return value.getShape().size();
  }

  /**
   * Makes a copy of {@code next} the value (a new leaf that requires gradients) and frees the old
   * one. A copy, not a view: {@code next} may be host-backed or closed by its owner (see {@link
   * OwnedArrays}).
   */
  public void set(NDArray next) {
    NDArray leaf = next.stopGradient().duplicate();
    NDScope.unregister(leaf);
    leaf.attach(manager);
    leaf.setRequiresGradient(true);
    NDArray old = value;
    value = leaf;
    if (old != null && old != leaf) {
      old.close();
    }
  }
}
