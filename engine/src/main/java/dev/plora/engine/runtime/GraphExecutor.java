package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.TensorDataType;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.onnx.proto.TensorShapeProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executes an ONNX graph op by op on DJL NDArrays so that autograd records it.
 *
 * <p>Initializers become parameters owned by this executor; any float one can be marked trainable and
 * then receives gradients inside a DJL {@code GradientCollector}; a float graph input receives them when
 * the fed array has {@code setRequiresGradient(true)}. Values computed only from constants
 * and input shapes (the Shape → Gather → Concat chains exporters emit) are computed once per
 * input-shape signature and reused. Intermediates are freed as soon as their last consumer has run.
 *
 * <p>An executor is used by one thread at a time.
 */
public final class GraphExecutor implements AutoCloseable {
  private static final int STATIC_CACHE_SIGNATURES = 32;

  private record Step(NodeProto node, Attributes attributes, OpKernel kernel) {}

  private final OnnxModel model;
  private final int opset;
  private final NDManager manager;
  private final List<Step> steps;
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();
  private final Map<String, ValueInfoProto> inputs = new LinkedHashMap<>();
  private final List<String> outputs;
  private final Set<String> trainable = new LinkedHashSet<>();
  private final Map<String, NodeOverride> overrides = new HashMap<>();
  private final Map<String, List<ValueObserver>> observers = new HashMap<>();
  private final StaticValueCache shapeCache;
  private StaticValueCache.Entry constants;
  /** Nanoseconds and calls per op type while profiling is on; null when off. */
  private Map<String, long[]> profile;
  /** Per step: 0 = runs every time, 1 = depends only on constants, 2 = on constants and input shapes. */
  private int[] staticKind;

  /**
   * Prepares a model for execution; every op is checked up front, so an unsupported op fails here.
   *
   * @param model the ONNX model
   * @param parent manager whose device holds the parameters; the executor works in a sub-manager of it
   */
  public GraphExecutor(OnnxModel model, NDManager parent) {
    this(model, parent, OpRegistry.standard());
  }

  public GraphExecutor(OnnxModel model, NDManager parent, OpRegistry registry) {
    this.model = model;
    this.opset = model.opset();
    this.manager = parent.newSubManager();
    try {
      for (TensorProto t : model.graph().getInitializerList()) {
        NDArray a = TensorCodec.decode(t, manager);
        a.setName(t.getName());
        parameters.put(t.getName(), a);
      }
      for (ValueInfoProto vi : model.graph().getInputList()) {
        if (!parameters.containsKey(vi.getName())) {
          inputs.put(vi.getName(), vi);
        }
      }
      this.outputs = model.graph().getOutputList().stream().map(ValueInfoProto::getName).toList();
      this.steps = plan(model, registry, opset);
      this.shapeCache = new StaticValueCache(manager, STATIC_CACHE_SIGNATURES);
      classifyStatic();
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Orders the nodes topologically (Kahn) and binds each to its kernel. */
  private static List<Step> plan(OnnxModel model, OpRegistry registry, int opset) {
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

  /** Marks which steps depend only on constants (kind 1) or on constants and input shapes (kind 2). */
  private void classifyStatic() {
    Map<String, Integer> kind = new HashMap<>();
    for (String p : parameters.keySet()) {
      kind.put(p, trainable.contains(p) ? 0 : 1);
    }
    for (String in : inputs.keySet()) {
      kind.put(in, 0);
    }
    staticKind = new int[steps.size()];
    for (int s = 0; s < steps.size(); s++) {
      NodeProto n = steps.get(s).node();
      int k;
      if (overrides.containsKey(n.getName())) {
        k = 0;
      } else if (n.getOpType().equals("Shape")) {
        k = 2;
      } else {
        k = 1;
        for (String in : n.getInputList()) {
          if (!in.isEmpty()) {
            int ik = kind.getOrDefault(in, 0);
            k = ik == 0 ? 0 : Math.max(k, ik);
            if (k == 0) {
              break;
            }
          }
        }
      }
      staticKind[s] = k;
      for (String out : n.getOutputList()) {
        kind.put(out, k);
      }
    }
    shapeCache.clear();
    if (constants != null) {
      constants.manager.close();
    }
    constants = new StaticValueCache.Entry(manager.newSubManager());
  }

  public OnnxModel model() {
    return model;
  }

  public NDManager manager() {
    return manager;
  }

  /** Graph inputs that must be fed (initializers listed as inputs are excluded). */
  public List<String> inputNames() {
    return List.copyOf(inputs.keySet());
  }

  public List<String> outputNames() {
    return outputs;
  }

  /** Initializers by name (the executor owns them). */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  public NDArray parameter(String name) {
    NDArray p = parameters.get(name);
    if (p == null) {
      throw new GraphExecutionException(model.source() + ": no initializer named '" + name + "'");
    }
    return p;
  }

  /** Replaces an initializer's value (same shape and type), e.g. to load trained weights. */
  public void setParameter(String name, NDArray value) {
    NDArray p = parameter(name);
    if (!p.getShape().equals(value.getShape()) || p.getDataType() != value.getDataType()) {
      throw new GraphExecutionException("initializer '" + name + "' is " + p.getDataType() + p.getShape()
          + ", cannot set a " + value.getDataType() + value.getShape());
    }
    p.set(value.toByteBuffer());
    classifyStatic();
  }

  /** Makes float initializers trainable: they receive gradients and are never cached. */
  public void setTrainable(Collection<String> names) {
    for (String name : names) {
      NDArray p = parameter(name);
      if (!p.getDataType().isFloating()) {
        throw new GraphExecutionException("initializer '" + name + "' is " + p.getDataType()
            + "; only floating-point initializers can be trained");
      }
      p.setRequiresGradient(true);
      trainable.add(name);
    }
    classifyStatic();
  }

  public Set<String> trainable() {
    return Collections.unmodifiableSet(trainable);
  }

  /** Wraps the execution of node {@code nodeName} (see {@link NodeOverride}). */
  public void setOverride(String nodeName, NodeOverride override) {
    boolean exists = steps.stream().anyMatch(s -> s.node().getName().equals(nodeName));
    if (!exists) {
      throw new GraphExecutionException(model.source() + ": no node named '" + nodeName + "'");
    }
    overrides.put(nodeName, override);
    classifyStatic();
  }

  /** Calls {@code observer} whenever the value {@code valueName} is computed. */
  public void addObserver(String valueName, ValueObserver observer) {
    observers.computeIfAbsent(valueName, k -> new ArrayList<>()).add(observer);
  }

  public void removeObservers() {
    observers.clear();
  }

  /** Number of input-shape signatures whose shape-only values are cached (for tests and metrics). */
  public int cachedSignatures() {
    return shapeCache.size();
  }

  /** Runs the graph and returns every graph output, attached to {@code out}. */
  public Map<String, NDArray> run(NDManager out, Map<String, NDArray> feeds) {
    return run(out, feeds, outputs);
  }

  /**
   * Runs what is needed for {@code wanted} (graph outputs or any intermediate value name).
   *
   * @param out manager the returned arrays are attached to
   * @param feeds one array per graph input, keyed by input name
   * @return the wanted values by name, attached to {@code out}
   */
  public Map<String, NDArray> run(NDManager out, Map<String, NDArray> feeds, Collection<String> wanted) {
    checkFeeds(feeds);
    boolean[] needed = neededSteps(wanted);
    Map<String, Integer> uses = new HashMap<>();
    for (int s = 0; s < steps.size(); s++) {
      if (needed[s]) {
        for (String in : steps.get(s).node().getInputList()) {
          uses.merge(in, 1, Integer::sum);
        }
      }
    }
    for (String w : wanted) {
      uses.merge(w, 1, Integer::sum);
    }

    String signature = signature(feeds);
    StaticValueCache.Entry shapes = shapeCache.get(signature);
    boolean shapesCached = shapes != null;
    if (!shapesCached) {
      shapes = shapeCache.create(signature);
    }
    Map<String, NDArray> env = new HashMap<>(parameters);
    env.putAll(feeds);
    env.putAll(constants.values);
    env.putAll(shapes.values);
    Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    // Arrays that existed before this run (parameters, feeds, cached values), by identity.
    Set<NDArray> known = Collections.newSetFromMap(new IdentityHashMap<>());
    known.addAll(env.values());
    IdentityHashMap<NDArray, Integer> liveNames = new IdentityHashMap<>();

    try (NDManager runManager = out.newSubManager()) {
      for (int s = 0; s < steps.size(); s++) {
        if (!needed[s]) {
          continue;
        }
        Step step = steps.get(s);
        NodeProto node = step.node();
        if (staticKind[s] != 0 && env.keySet().containsAll(nonEmpty(node.getOutputList()))) {
          continue; // computed in an earlier run with the same shapes
        }
        NDArray[] args = new NDArray[node.getInputCount()];
        for (int i = 0; i < args.length; i++) {
          String name = node.getInput(i);
          if (!name.isEmpty()) {
            args[i] = env.get(name);
            if (args[i] == null) {
              throw new GraphExecutionException(Attributes.describe(node) + ": input '" + name
                  + "' is neither a graph input, an initializer nor produced by an earlier node");
            }
          }
        }
        NDArray[] results = execute(step, args, runManager);
        StaticValueCache.Entry keep = staticKind[s] == 1 ? constants : staticKind[s] == 2 ? shapes : null;
        for (int o = 0; o < node.getOutputCount(); o++) {
          String name = node.getOutput(o);
          NDArray r = o < results.length ? results[o] : null;
          if (name.isEmpty() || r == null) {
            continue;
          }
          boolean fresh = !known.contains(r);
          known.add(r);
          if (keep != null) {
            if (fresh) {
              r.attach(keep.manager);
            }
            keep.values.put(name, r);
          } else if (fresh) {
            r.attach(runManager);
            owned.add(r);
          }
          env.put(name, r);
          liveNames.merge(r, 1, Integer::sum);
          List<ValueObserver> obs = observers.get(name);
          if (obs != null) {
            for (ValueObserver v : obs) {
              v.observe(name, r);
            }
          }
        }
        for (String in : node.getInputList()) {
          release(in, uses, env, owned, liveNames);
        }
      }
      Map<String, NDArray> result = new LinkedHashMap<>();
      for (String w : wanted) {
        NDArray v = env.get(w);
        if (v == null) {
          throw new GraphExecutionException(model.source() + ": no value named '" + w + "' in the graph");
        }
        // Values the executor keeps (parameters, cached shapes, feeds) are copied, never handed out.
        NDArray r = owned.contains(v) ? v : v.duplicate();
        r.attach(out);
        owned.remove(v);
        result.put(w, r);
      }
      return result;
    }
  }

  /** Starts (or resets) timing every executed node by op type; see {@link #profile()}. */
  public void startProfiling() {
    profile = new HashMap<>();
  }

  /**
   * Time spent per op type since {@link #startProfiling()}, slowest first: {op: [nanoseconds, calls]}.
   * PyTorch runs ops synchronously on CPU, so the times are the ops' own.
   */
  public Map<String, long[]> profile() {
    Map<String, long[]> sorted = new LinkedHashMap<>();
    if (profile != null) {
      profile.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
          .forEach(e -> sorted.put(e.getKey(), e.getValue().clone()));
    }
    return sorted;
  }

  private NDArray[] execute(Step step, NDArray[] args, NDManager runManager) {
    if (profile == null) {
      return executeNode(step, args, runManager);
    }
    long t0 = System.nanoTime();
    NDArray[] results = executeNode(step, args, runManager);
    long[] slot = profile.computeIfAbsent(step.node().getOpType(), k -> new long[2]);
    slot[0] += System.nanoTime() - t0;
    slot[1]++;
    return results;
  }

  private NDArray[] executeNode(Step step, NDArray[] args, NDManager runManager) {
    OpContext ctx = new OpContext(step.node(), step.attributes(), opset, runManager);
    NodeOverride override = overrides.get(step.node().getName());
    try (NDScope scope = new NDScope()) {
      NDArray[] results = override == null
          ? step.kernel().run(ctx, args)
          : override.run(ctx, args, step.kernel());
      for (NDArray r : results) {
        if (r != null) {
          NDScope.unregister(r);
        }
      }
      return results;
    } catch (GraphExecutionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new GraphExecutionException(Attributes.describe(step.node()) + " failed on inputs "
          + describeArgs(args) + ": " + e.getMessage(), e);
    }
  }

  private static void release(String name, Map<String, Integer> uses, Map<String, NDArray> env,
      Set<NDArray> owned, IdentityHashMap<NDArray, Integer> liveNames) {
    if (name.isEmpty()) {
      return;
    }
    int left = uses.merge(name, -1, Integer::sum);
    NDArray v = env.get(name);
    if (left > 0 || v == null || !owned.contains(v)) {
      return;
    }
    env.remove(name);
    if (liveNames.merge(v, -1, Integer::sum) <= 0) {
      owned.remove(v);
      v.close();
    }
  }

  private static List<String> nonEmpty(List<String> names) {
    return names.stream().filter(n -> !n.isEmpty()).toList();
  }

  private boolean[] neededSteps(Collection<String> wanted) {
    Map<String, Integer> producer = new HashMap<>();
    for (int s = 0; s < steps.size(); s++) {
      for (String o : steps.get(s).node().getOutputList()) {
        producer.put(o, s);
      }
    }
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

  private void checkFeeds(Map<String, NDArray> feeds) {
    for (Map.Entry<String, ValueInfoProto> e : inputs.entrySet()) {
      String name = e.getKey();
      NDArray a = feeds.get(name);
      if (a == null) {
        throw new GraphExecutionException(model.source() + ": missing input '" + name
            + "'; the graph needs " + inputs.keySet());
      }
      if (!e.getValue().getType().hasTensorType()) {
        continue;
      }
      int elem = e.getValue().getType().getTensorType().getElemType();
      DataType expected = TensorDataType.toDjl(elem, name);
      if (a.getDataType() != expected) {
        throw new GraphExecutionException(model.source() + ": input '" + name + "' must be "
            + expected + ", got " + a.getDataType());
      }
      if (e.getValue().getType().getTensorType().hasShape()) {
        TensorShapeProto shape = e.getValue().getType().getTensorType().getShape();
        Shape actual = a.getShape();
        boolean ok = shape.getDimCount() == actual.dimension();
        for (int i = 0; ok && i < shape.getDimCount(); i++) {
          TensorShapeProto.Dimension d = shape.getDim(i);
          ok = !d.hasDimValue() || d.getDimValue() == actual.get(i);
        }
        if (!ok) {
          throw new GraphExecutionException(model.source() + ": input '" + name + "' has shape "
              + actual + " but the graph declares " + describe(shape));
        }
      }
    }
    for (String f : feeds.keySet()) {
      if (!inputs.containsKey(f) && !parameters.containsKey(f)) {
        throw new GraphExecutionException(model.source() + ": '" + f + "' is not a graph input; inputs are "
            + inputs.keySet());
      }
    }
  }

  private static String describe(TensorShapeProto shape) {
    List<String> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : shape.getDimList()) {
      dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
    }
    return "[" + String.join(", ", dims) + "]";
  }

  private static String signature(Map<String, NDArray> feeds) {
    StringBuilder b = new StringBuilder();
    feeds.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        b.append(e.getKey()).append(e.getValue().getShape()).append(';'));
    return b.toString();
  }

  private static String describeArgs(NDArray[] args) {
    List<String> parts = new ArrayList<>();
    for (NDArray a : args) {
      parts.add(a == null ? "(none)" : a.getDataType() + a.getShape().toString());
    }
    return parts.toString();
  }

  @Override
  public void close() {
    shapeCache.close();
    manager.close();
  }
}
