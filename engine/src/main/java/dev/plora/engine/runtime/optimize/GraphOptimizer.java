package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.NodeProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a model's graph for execution: every pass in order (layer norm, GELU, attention when
 * {@link #fusedAttention()}, linear). The model given is not changed (exports are written from it,
 * in standard ONNX); the result is only executed. {@code -Dplora.graph.optimize=false} turns it off
 * (to compare, or to rule it out); {@code -Dplora.graph.skip=AttentionFusion,...} leaves out the
 * passes named.
 */
public final class GraphOptimizer {
  private GraphOptimizer() {}

  /** Whether optimisation is on (the default). */
  public static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty("plora.graph.optimize", "true"));
  }

  /**
   * Whether self-attention is fused into PyTorch's scaled-dot-product attention: opt-in with {@code
   * -Dplora.graph.fused-attention=true}. On CPU at MiniLM's training shapes it measured slower (16
   * × 64: −10 to −20% per step) or equal (32 × 128), with less memory (bench/RESULTS.md, issue 15).
   */
  public static boolean fusedAttention() {
    return Boolean.getBoolean("plora.graph.fused-attention");
  }

  /** The model to execute: optimised when {@link #enabled()}, else {@code model} itself. */
  public static OnnxModel forExecution(OnnxModel model) {
    return enabled() ? optimize(model).model() : model;
  }

  /** The optimised model and how many patterns each pass replaced. */
  public record Result(OnnxModel model, Map<String, Integer> replaced) {}

  public static Result optimize(OnnxModel model) {
    List<NodeProto> nodes = model.graph().getNodeList();
    Map<String, Integer> replaced = new LinkedHashMap<>();
    List<GraphPass> passes = new ArrayList<>();
    passes.add(new LayerNormFusion());
    passes.add(new GeluFusion());
    if (fusedAttention()) {
      passes.add(new AttentionFusion());
    }
    passes.add(new LinearFusion(model.initializers()));
    Set<String> skipped = Set.of(System.getProperty("plora.graph.skip", "").split(","));
    for (GraphPass pass : passes) {
      if (skipped.contains(pass.getClass().getSimpleName())) {
        replaced.put(pass.getClass().getSimpleName(), 0);
        continue;
      }
      nodes = pass.apply(new GraphIndex(model, nodes));
      replaced.put(pass.getClass().getSimpleName(), pass.replaced());
    }
    if (replaced.values().stream().allMatch(n -> n == 0)) {
      return new Result(model, replaced);
    }
    var proto = model.proto().toBuilder();
    proto.getGraphBuilder().clearNode().addAllNode(nodes);
    return new Result(new OnnxModel(proto.build(), model.source()), replaced);
  }
}
