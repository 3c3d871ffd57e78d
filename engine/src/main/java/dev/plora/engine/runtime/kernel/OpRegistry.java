package dev.plora.engine.runtime.kernel;

import dev.plora.engine.onnx.proto.NodeProto;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The explicit table of executable operators, keyed by op type, each with the first opset it is
 * supported from. Kernels handle the opset-dependent signatures themselves. The standard table is
 * built in one place, {@code runtime.ops.StandardOps}.
 */
public final class OpRegistry {
  /**
   * The domain of the fused ops the graph optimiser puts in place of decomposed patterns
   * (runtime.optimize); never in a file plora reads or writes.
   */
  public static final String FUSED_DOMAIN = "dev.plora.fused";

  private record Entry(int sinceOpset, OpKernel kernel) {}

  private final Map<String, Entry> entries = new TreeMap<>();
  private final Map<String, OpKernel> fused = new TreeMap<>();

  /** A fused op of {@link #FUSED_DOMAIN}. */
  public OpRegistry registerFused(String opType, OpKernel kernel) {
    if (fused.putIfAbsent(opType, kernel) != null) {
      throw new IllegalStateException("fused op " + opType + " registered twice");
    }
    return this;
  }

  public OpRegistry register(String opType, int sinceOpset, OpKernel kernel) {
    if (entries.putIfAbsent(opType, new Entry(sinceOpset, kernel)) != null) {
      throw new IllegalStateException("op " + opType + " registered twice");
    }
    return this;
  }

  /** The kernel for a node of the default domain, or an {@link UnsupportedOpException}. */
  public OpKernel lookup(NodeProto node, int opset) {
    String domain = node.getDomain();
    if (domain.equals(FUSED_DOMAIN) && fused.containsKey(node.getOpType())) {
      return fused.get(node.getOpType());
    }
    Entry e = entries.get(node.getOpType());
    boolean defaultDomain = domain.isEmpty() || domain.equals("ai.onnx");
    if (e == null || !defaultDomain || opset < e.sinceOpset) {
      throw new UnsupportedOpException(
          node.getOpType(), domain, node.getName(), opset, supported());
    }
    return e.kernel;
  }

  public NavigableSet<String> supported() {
    return Collections.unmodifiableNavigableSet(new TreeSet<>(entries.keySet()));
  }
}
