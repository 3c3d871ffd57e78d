package dev.plora.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.lora.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter). Its moment estimates have the shape of
 * each parameter, and a masked adapter's parameter holds only its kept entries, so masked entries
 * cost no optimizer memory.
 */
public final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final NDManager manager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private int t;

  public AdamW(double weightDecay, NDManager manager) {
    this(0.9, 0.999, 1e-8, weightDecay, manager);
  }

  public AdamW(double beta1, double beta2, double eps, double weightDecay, NDManager manager) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.manager = manager;
  }

  /**
   * One update of every parameter from its gradient (already clipped): {@code p ← p −
   * lr·s·(m̂/(√v̂+ε) + wd·p)} with {@code s} the parameter's learning-rate scale.
   *
   * @param gradients one per parameter, same order
   */
  public void step(List<Parameter> params, List<NDArray> gradients, double lr) {
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      NDArray g = gradients.get(i);
      NDArray mi = m.get(p.name());
      NDArray vi = v.get(p.name());
      NDArray nm = mi == null ? g.mul(1 - beta1) : mi.mul(beta1).add(g.mul(1 - beta1));
      NDArray nv =
          vi == null ? g.square().mul(1 - beta2) : vi.mul(beta2).add(g.square().mul(1 - beta2));
      keep(m, p.name(), nm);
      keep(v, p.name(), nv);
      double step = lr * p.lrScale();
      NDArray w = p.value().stopGradient();
      NDArray update = nm.div(c1).div(nv.div(c2).sqrt().add(eps));
      if (p.decay() && weightDecay > 0) {
        update = update.add(w.mul(weightDecay));
      }
      p.set(w.sub(update.mul(step)));
    }
  }

  private void keep(Map<String, NDArray> state, String name, NDArray next) {
    ai.djl.ndarray.NDScope.unregister(next);
    next.attach(manager);
    NDArray old = state.put(name, next);
    if (old != null) {
      old.close();
    }
  }

  public int steps() {
    return t;
  }

  /** Bytes of optimizer state (both moments), to show it scales with kept entries. */
  public long stateBytes() {
    long n = 0;
    for (NDArray a : m.values()) {
      n += a.getShape().size() * a.getDataType().getNumOfBytes();
    }
    for (NDArray a : v.values()) {
      n += a.getShape().size() * a.getDataType().getNumOfBytes();
    }
    return n;
  }

  Map<String, NDArray> firstMoments() {
    return m;
  }

  Map<String, NDArray> secondMoments() {
    return v;
  }

  void restore(int steps, Map<String, NDArray> first, Map<String, NDArray> second) {
    t = steps;
    first.forEach((k, a) -> keep(m, k, a));
    second.forEach((k, a) -> keep(v, k, a));
  }
}
