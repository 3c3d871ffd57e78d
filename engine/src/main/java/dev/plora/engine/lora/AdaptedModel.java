package dev.plora.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.config.LoraConfig;
import dev.plora.engine.config.Pooling;
import dev.plora.engine.config.SparseLrScaling;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import dev.plora.engine.runtime.GraphExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen ONNX transformer with masked LoRA adapters on its target MatMuls and a classification
 * head: the model plora trains. Only adapter (kept entries) and head parameters are trainable.
 */
public final class AdaptedModel implements AutoCloseable {
  private final NDManager manager;
  private final GraphExecutor executor;
  private final LoraConfig config;
  private final Map<String, LoraLayer> layers = new LinkedHashMap<>();
  private final ClassificationHead head;
  private final String hiddenOutput;

  /**
   * @param sites the targets to adapt (see {@link TargetMatcher#select})
   * @param masks masks for exactly those targets
   * @param labels number of classes
   * @param seed seeds the A and head initialisations
   * @param parent manager (its device) the model lives on
   */
  public AdaptedModel(
      OnnxModel model,
      LoraConfig config,
      List<TargetSite> sites,
      AdapterMasks masks,
      int labels,
      Pooling pooling,
      SparseLrScaling scaling,
      long seed,
      NDManager parent) {
    this.manager = parent.newSubManager();
    try {
      this.config = config;
      this.executor = new GraphExecutor(model, manager);
      this.hiddenOutput = hiddenOutput(model);
      for (TargetSite s : sites) {
        TargetMasks tm = masks.byModule().get(s.module());
        if (tm == null) {
          throw new IllegalArgumentException("no masks for target " + s.module());
        }
        LoraLayer layer =
            new LoraLayer(
                s, tm, config, manager, seed, scaling.multiplier(tm.density(), config.rank()));
        layers.put(s.module(), layer);
        executor.setOverride(s.nodeName(), layer);
      }
      for (String module : masks.byModule().keySet()) {
        if (!layers.containsKey(module)) {
          throw new IllegalArgumentException(
              "masks are given for " + module + ", which is not a selected target");
        }
      }
      long hidden = hiddenSize(model, hiddenOutput);
      this.head = new ClassificationHead(hidden, labels, pooling, manager, seed);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * The graph output holding token states: {@code last_hidden_state}, else the first rank-3 output.
   */
  private static String hiddenOutput(OnnxModel model) {
    List<ValueInfoProto> outs = model.graph().getOutputList();
    for (ValueInfoProto v : outs) {
      if (v.getName().equals("last_hidden_state")) {
        return v.getName();
      }
    }
    for (ValueInfoProto v : outs) {
      if (v.getType().getTensorType().getShape().getDimCount() == 3) {
        return v.getName();
      }
    }
    throw new IllegalArgumentException(
        model.source() + ": no output with token states [batch, sequence, hidden]");
  }

  private static long hiddenSize(OnnxModel model, String output) {
    for (ValueInfoProto v : model.graph().getOutputList()) {
      if (v.getName().equals(output)
          && v.getType().getTensorType().getShape().getDim(2).hasDimValue()) {
        return v.getType().getTensorType().getShape().getDim(2).getDimValue();
      }
    }
    throw new IllegalArgumentException(
        model.source() + ": output " + output + " does not declare its hidden size");
  }

  public NDManager manager() {
    return manager;
  }

  public GraphExecutor executor() {
    return executor;
  }

  public LoraConfig config() {
    return config;
  }

  public Map<String, LoraLayer> layers() {
    return layers;
  }

  /** The graph output the head reads (token states {@code [B, T, H]}). */
  public String hiddenOutput() {
    return hiddenOutput;
  }

  public ClassificationHead head() {
    return head;
  }

  public void setTraining(boolean training) {
    layers.values().forEach(l -> l.setTraining(training));
  }

  /** Every trainable parameter: A and B (kept entries only) of each target, then the head. */
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (LoraLayer l : layers.values()) {
      out.add(l.a().parameter());
      out.add(l.b().parameter());
    }
    out.addAll(head.parameters());
    return out;
  }

  public long adapterParameters() {
    return layers.values().stream()
        .mapToLong(l -> l.a().mask().kept().length + (long) l.b().mask().kept().length)
        .sum();
  }

  public long denseLoraParameters() {
    return layers.values().stream()
        .mapToLong(l -> l.a().mask().numel() + l.b().mask().numel())
        .sum();
  }

  public long headParameters() {
    return head.parameters().stream().mapToLong(Parameter::size).sum();
  }

  /** Logits {@code [B, L]} for a tokenized batch. */
  public NDArray logits(NDManager m, TokenizedBatch batch) {
    Map<String, NDArray> feeds = batch.feeds(executor.inputNames(), m);
    NDArray hidden = executor.run(m, feeds, List.of(hiddenOutput)).get(hiddenOutput);
    NDArray mask =
        feeds.containsKey("attention_mask")
            ? feeds.get("attention_mask")
            : batch.toArrays(m).get("attention_mask");
    return head.forward(hidden, mask);
  }

  /**
   * The adapter as named tensors: {@code <module>.lora_A [r, in]}, {@code <module>.lora_B [out, r]}
   * (masked entries 0), {@code <module>.lora_A_mask}, {@code <module>.lora_B_mask} (uint8 0/1), and
   * the head's {@code classifier.weight [L, H]}, {@code classifier.bias [L]}.
   */
  public NDList adapterTensors(NDManager m) {
    NDList list = new NDList();
    for (LoraLayer l : layers.values()) {
      String mod = l.site().module();
      list.add(
          named(
              m.create(l.a().denseValues(), new Shape(l.a().mask().rows(), l.a().mask().cols())),
              mod + ".lora_A"));
      list.add(
          named(
              m.create(l.b().denseValues(), new Shape(l.b().mask().rows(), l.b().mask().cols())),
              mod + ".lora_B"));
      list.add(l.a().mask().toTensor(m, mod + ".lora_A_mask"));
      list.add(l.b().mask().toTensor(m, mod + ".lora_B_mask"));
    }
    for (Parameter p : head.parameters()) {
      NDArray copy = p.value().duplicate();
      copy.attach(m); // the list lives in the caller's manager, not the model's
      list.add(named(copy, p.name()));
    }
    return list;
  }

  /**
   * Loads adapter and head values written by {@link #adapterTensors}; the masks must be the same.
   */
  public void loadAdapterTensors(NDList list, String source) {
    for (LoraLayer l : layers.values()) {
      String mod = l.site().module();
      l.a().load(require(list, mod + ".lora_A", source).toFloatArray(), manager);
      l.b().load(require(list, mod + ".lora_B", source).toFloatArray(), manager);
    }
    for (Parameter p : head.parameters()) {
      NDArray v = require(list, p.name(), source);
      if (!v.getShape().equals(p.value().getShape())) {
        throw new IllegalArgumentException(
            source
                + ": '"
                + p.name()
                + "' is "
                + v.getShape()
                + ", expected "
                + p.value().getShape());
      }
      p.set(v.duplicate());
    }
  }

  private static NDArray require(NDList list, String name, String source) {
    NDArray a = list.get(name);
    if (a == null) {
      throw new IllegalArgumentException(source + ": no tensor '" + name + "'");
    }
    return a;
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }

  @Override
  public void close() {
    executor.close();
    manager.close();
  }
}
