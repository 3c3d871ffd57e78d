package dev.plora.engine.runtime;

import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import dev.plora.engine.runtime.kernel.OpKernel;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph's nodes in execution order, each bound to its kernel; built once per model, so an
 * unsupported op or a cycle fails at load. Also says which steps a set of wanted values needs, and
 * which steps depend only on constants or on constants and input shapes (their results can be
 * cached).
 */
final class ExecutionPlan {
  /** One node with its parsed attributes and kernel. */
  record Step(NodeProto node, Attributes attributes, OpKernel kernel) {}

  /**
   * Static kinds: runs every time, depends only on constants, depends on constants and input
   * shapes.
   */
  static final int DYNAMIC = 0;

  static final int CONSTANT = 1;
  static final int SHAPE = 2;

  private final List<Step> steps;
  private final Map<String, Integer> producer = new HashMap<>();

  ExecutionPlan(OnnxModel model, OpRegistry registry) {
    this.steps = order(model, registry);
    for (int s = 0; s < steps.size(); s++) {
      for (String o : steps.get(s).node().getOutputList()) {
        producer.put(o, s);
      }
    }
  }

  List<Step> steps() {
    return steps;
  }

  boolean hasNode(String name) {
    return steps.stream().anyMatch(s -> s.node().getName().equals(name));
  }

  /** Orders the nodes topologically (Kahn) and binds each to its kernel. */
  private static List<Step> order(OnnxModel model, OpRegistry registry) {
    int opset = model.opset();
    List<NodeProto> nodes = model.graph().getNodeList();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        if (!out.isEmpty()) {
          producer.put(out, i);
        }
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : new LinkedHashSet<>(nodes.get(i).getInputList())) {
        Integer p = producer.get(in);
        if (p != null && p != i) {
          pending[i]++;
          consumers.get(p).add(i);
        }
      }
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Step> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      NodeProto n = nodes.get(i);
      order.add(new Step(n, new Attributes(n), registry.lookup(n, opset)));
      for (int c : consumers.get(i)) {
        if (--pending[c] == 0) {
          ready.add(c);
        }
      }
    }
    if (order.size() != nodes.size()) {
      throw new GraphExecutionException(model.source() + ": the graph has a cycle");
    }
    return order;
  }

  /**
   * The static kind of every step ({@link #DYNAMIC}, {@link #CONSTANT}, {@link #SHAPE}). Trainable
   * parameters, graph inputs and overridden nodes are dynamic; {@code Shape} of anything is a shape
   * value.
   */
  int[] staticKinds(
      Collection<String> constants, Collection<String> inputs, Set<String> overridden) {
    Map<String, Integer> kind = new HashMap<>();
    constants.forEach(p -> kind.put(p, CONSTANT));
    inputs.forEach(in -> kind.put(in, DYNAMIC));
    int[] kinds = new int[steps.size()];
    for (int s = 0; s < steps.size(); s++) {
      NodeProto n = steps.get(s).node();
      int k;
      if (overridden.contains(n.getName())) {
        k = DYNAMIC;
      } else if (n.getOpType().equals("Shape")) {
        k = SHAPE;
      } else {
        k = CONSTANT;
        for (String in : n.getInputList()) {
          if (!in.isEmpty()) {
            int ik = kind.getOrDefault(in, DYNAMIC);
            k = ik == DYNAMIC ? DYNAMIC : Math.max(k, ik);
            if (k == DYNAMIC) {
              break;
            }
          }
        }
      }
      kinds[s] = k;
      for (String out : n.getOutputList()) {
        kind.put(out, k);
      }
    }
    return kinds;
  }

  /** Which steps compute {@code wanted} (graph outputs or intermediate values), transitively. */
  boolean[] neededFor(Collection<String> wanted) {
    boolean[] needed = new boolean[steps.size()];
    Deque<String> todo = new ArrayDeque<>(wanted);
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String v = todo.poll();
      if (!seen.add(v)) {
        continue;
      }
      Integer s = producer.get(v);
      if (s != null && !needed[s]) {
        needed[s] = true;
        todo.addAll(steps.get(s).node().getInputList());
      }
    }
    return needed;
  }
}
