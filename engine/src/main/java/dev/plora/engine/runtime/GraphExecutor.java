package dev.plora.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.plora.engine.onnx.Attributes;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import dev.plora.engine.runtime.kernel.GraphExecutionException;
import dev.plora.engine.runtime.kernel.OpContext;
import dev.plora.engine.runtime.kernel.OpRegistry;
import dev.plora.engine.runtime.ops.StandardOps;
import dev.plora.engine.runtime.optimize.GraphOptimizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executes an ONNX graph op by op on DJL NDArrays so that autograd records it.
 *
 * <p>Initializers become parameters owned by this executor; any float one can be marked trainable
 * and then receives gradients inside a DJL {@code GradientCollector}; a float graph input receives
 * them when the fed array has {@code setRequiresGradient(true)}. Values computed only from
 * constants and input shapes (the Shape → Gather → Concat chains exporters emit) are computed once
 * per input-shape signature and reused. Intermediates are freed as soon as their last consumer has
 * run.
 *
 * <p>An executor is used by one thread at a time.
 */
public final class GraphExecutor implements AutoCloseable {
  private static final int STATIC_CACHE_SIGNATURES = 32;

  static {
    // Before any forward reaches MKL: its GEMM kernel choice is made once, at the first call.
    MklCpuDispatch.install();
    // Before the first step's activations: the heaps they come from are kept from then on.
    MallocTuning.install();
  }

  private final OnnxModel model;
  private final int opset;
  private final NDManager manager;
  private final ExecutionPlan plan;
  private final ParameterStore parameters;
  private final Map<String, ValueInfoProto> inputs = new LinkedHashMap<>();
  private final List<String> outputs;
  private final Map<String, NodeOverride> overrides = new HashMap<>();
  private final Map<String, List<ValueObserver>> observers = new HashMap<>();
  private final StaticValueCache shapeCache;
  private StaticValueCache.Entry constants;

  /** Nanoseconds and calls per op type while profiling is on; null when off. */
  private Map<String, long[]> profile;

  /**
   * Per step: {@link ExecutionPlan#DYNAMIC}, {@link ExecutionPlan#CONSTANT} or {@link
   * ExecutionPlan#SHAPE}.
   */
  private int[] staticKind;

  /**
   * Prepares a model for execution; every op is checked up front, so an unsupported op fails here.
   *
   * @param model the ONNX model
   * @param parent manager whose device holds the parameters; the executor works in a sub-manager of
   *     it
   */
  public GraphExecutor(OnnxModel model, NDManager parent) {
    this(model, parent, StandardOps.registry());
  }

  public GraphExecutor(OnnxModel model, NDManager parent, OpRegistry registry) {
    this.model = model;
    this.opset = model.opset();
    this.manager = parent.newSubManager();
    try {
      this.parameters = new ParameterStore(model, manager);
      for (ValueInfoProto vi : model.graph().getInputList()) {
        if (!parameters.contains(vi.getName())) {
          inputs.put(vi.getName(), vi);
        }
      }
      this.outputs = model.graph().getOutputList().stream().map(ValueInfoProto::getName).toList();
      // Fused kernels in place of decomposed layer norms and GELUs; value names are kept, so
      // overrides, observers and outputs see the same graph. model() stays the file's graph.
      this.plan = new ExecutionPlan(GraphOptimizer.forExecution(model), registry);
      this.shapeCache = new StaticValueCache(manager, STATIC_CACHE_SIGNATURES);
      classifyStatic();
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Recomputes which steps can be cached (after trainable parameters or overrides change) and drops
   * the caches.
   */
  private void classifyStatic() {
    staticKind = plan.staticKinds(parameters.constants(), inputs.keySet(), overrides.keySet());
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
    return parameters.all();
  }

  public NDArray parameter(String name) {
    return parameters.get(name);
  }

  /** Replaces an initializer's value (same shape and type), e.g. to load trained weights. */
  public void setParameter(String name, NDArray value) {
    parameters.set(name, value);
    classifyStatic();
  }

  /** Makes float initializers trainable: they receive gradients and are never cached. */
  public void setTrainable(Collection<String> names) {
    parameters.makeTrainable(names);
    classifyStatic();
  }

  public Set<String> trainable() {
    return parameters.trainable();
  }

  /** Wraps the execution of node {@code nodeName} (see {@link NodeOverride}). */
  public void setOverride(String nodeName, NodeOverride override) {
    if (!plan.hasNode(nodeName)) {
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

  /**
   * Number of input-shape signatures whose shape-only values are cached (for tests and metrics).
   */
  public int cachedSignatures() {
    return shapeCache.size();
  }

  /** Runs the graph and returns every graph output, attached to {@code out}. */
  public Map<String, NDArray> run(NDManager out, Map<String, NDArray> feeds) {
    return run(out, feeds, outputs);
  }

  /**
   * Runs what is needed for {@code wanted} (graph outputs or any intermediate value name the
   * executed graph has: values inside a pattern the graph optimiser fused, such as a linear layer's
   * MatMul before its bias, exist only with {@code -Dplora.graph.optimize=false}).
   *
   * @param out manager the returned arrays are attached to
   * @param feeds one array per graph input, keyed by input name
   * @return the wanted values by name, attached to {@code out}
   */
  public Map<String, NDArray> run(
      NDManager out, Map<String, NDArray> feeds, Collection<String> wanted) {
    FeedCheck.check(model, inputs, parameters, feeds);
    List<ExecutionPlan.Step> steps = plan.steps();
    boolean[] needed = plan.neededFor(wanted);
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
    Map<String, NDArray> env = new HashMap<>(parameters.all());
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
        ExecutionPlan.Step step = steps.get(s);
        NodeProto node = step.node();
        if (staticKind[s] != ExecutionPlan.DYNAMIC
            && env.keySet().containsAll(nonEmpty(node.getOutputList()))) {
          continue; // computed in an earlier run with the same shapes
        }
        NDArray[] args = new NDArray[node.getInputCount()];
        for (int i = 0; i < args.length; i++) {
          String name = node.getInput(i);
          if (!name.isEmpty()) {
            args[i] = env.get(name);
            if (args[i] == null) {
              throw new GraphExecutionException(
                  Attributes.describe(node)
                      + ": input '"
                      + name
                      + "' is neither a graph input, an initializer nor produced by an earlier node");
            }
          }
        }
        NDArray[] results = execute(step, args, runManager);
        StaticValueCache.Entry keep =
            staticKind[s] == ExecutionPlan.CONSTANT
                ? constants
                : staticKind[s] == ExecutionPlan.SHAPE ? shapes : null;
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
          boolean fusedAway =
              model.graph().getNodeList().stream().anyMatch(n -> n.getOutputList().contains(w));
          throw new GraphExecutionException(
              model.source()
                  + ": no value named '"
                  + w
                  + "' in the graph"
                  + (fusedAway
                      ? " as executed: the graph optimiser fused it away (run with"
                          + " -Dplora.graph.optimize=false to read it)"
                      : ""));
        }
        // Values the executor keeps (parameters, cached shapes, feeds) are copied, never handed
        // out.
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
   * Time spent per op type since {@link #startProfiling()}, slowest first: {op: [nanoseconds,
   * calls]}. PyTorch runs ops synchronously on CPU, so the times are the ops' own.
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

  private NDArray[] execute(ExecutionPlan.Step step, NDArray[] args, NDManager runManager) {
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

  private NDArray[] executeNode(ExecutionPlan.Step step, NDArray[] args, NDManager runManager) {
    OpContext ctx = new OpContext(step.node(), step.attributes(), opset, runManager);
    NodeOverride override = overrides.get(step.node().getName());
    try (NDScope scope = new NDScope()) {
      NDArray[] results =
          override == null ? step.kernel().run(ctx, args) : override.run(ctx, args, step.kernel());
      for (NDArray r : results) {
        if (r != null) {
          NDScope.unregister(r);
        }
      }
      return results;
    } catch (GraphExecutionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new GraphExecutionException(
          Attributes.describe(step.node())
              + " failed on inputs "
              + describeArgs(args)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void release(
      String name,
      Map<String, Integer> uses,
      Map<String, NDArray> env,
      Set<NDArray> owned,
      IdentityHashMap<NDArray, Integer> liveNames) {
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

  private static String signature(Map<String, NDArray> feeds) {
    StringBuilder b = new StringBuilder();
    feeds.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.append(e.getKey()).append(e.getValue().getShape()).append(';'));
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
