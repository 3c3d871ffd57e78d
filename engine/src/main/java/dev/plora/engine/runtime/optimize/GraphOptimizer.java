package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.NodeProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a model's graph for execution: every pass in order (layer norm, GELU, linear). The model
 * given is not changed (exports are written from it, in standard ONNX); the result is only
 * executed. {@code -Dplora.graph.optimize=false} turns it off (to compare, or to rule it out).
 */
public final class GraphOptimizer {
  private GraphOptimizer() {}

  /** Whether optimisation is on (the default). */
  public static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty("plora.graph.optimize", "true"));
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
    List<GraphPass> passes =
        List.of(new LayerNormFusion(), new GeluFusion(), new LinearFusion(model.initializers()));
    for (GraphPass pass : passes) {
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
