package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.GraphBuilder;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.List;
import java.util.Optional;

/**
 * Finds layer norm as torch.onnx exports it below opset 17 — {@code ReduceMean(x) → Sub → Pow 2 →
 * ReduceMean → Add ε → Sqrt → Div → Mul γ → Add β}, over the last axis — and puts one fused
 * LayerNorm(x, γ, β; ε) in its place, producing the final Add's output. A pattern whose
 * intermediate values anything else reads is left alone.
 */
final class LayerNormFusion extends PatternPass {
  @Override
  Optional<Match> match(GraphIndex g, NodeProto mean) {
    if (!mean.getOpType().equals("ReduceMean") || !lastAxis(mean) || mean.getInputCount() != 1) {
      return Optional.empty();
    }
    String x = mean.getInput(0);
    NodeProto sub = g.soleConsumer(mean.getOutput(0), "Sub").orElse(null);
    if (sub == null || !sub.getInput(0).equals(x) || !sub.getInput(1).equals(mean.getOutput(0))) {
      return Optional.empty();
    }
    String centered = sub.getOutput(0);
    List<NodeProto> users = g.consumers(centered);
    if (users.size() != 2 || g.isGraphOutput(centered)) {
      return Optional.empty();
    }
    NodeProto pow = find(users, "Pow");
    NodeProto div = find(users, "Div");
    if (pow == null
        || div == null
        || !pow.getInput(0).equals(centered)
        || g.scalar(pow.getInput(1)).filter(e -> e == 2f).isEmpty()
        || !div.getInput(0).equals(centered)) {
      return Optional.empty();
    }
    NodeProto variance = g.soleConsumer(pow.getOutput(0), "ReduceMean").orElse(null);
    if (variance == null || !lastAxis(variance)) {
      return Optional.empty();
    }
    NodeProto addEps = g.soleConsumer(variance.getOutput(0), "Add").orElse(null);
    Optional<Float> eps =
        addEps == null
            ? Optional.empty()
            : GraphIndex.other(addEps, variance.getOutput(0)).flatMap(g::scalar);
    if (eps.isEmpty()) {
      return Optional.empty();
    }
    NodeProto sqrt = g.soleConsumer(addEps.getOutput(0), "Sqrt").orElse(null);
    if (sqrt == null
        || g.soleConsumer(sqrt.getOutput(0), "Div").filter(d -> d == div).isEmpty()
        || !div.getInput(1).equals(sqrt.getOutput(0))) {
      return Optional.empty();
    }
    NodeProto scale = g.soleConsumer(div.getOutput(0), "Mul").orElse(null);
    String gamma = scale == null ? null : GraphIndex.other(scale, div.getOutput(0)).orElse(null);
    if (gamma == null || !g.isInitializer(gamma)) {
      return Optional.empty();
    }
    NodeProto shift = g.soleConsumer(scale.getOutput(0), "Add").orElse(null);
    String beta = shift == null ? null : GraphIndex.other(shift, scale.getOutput(0)).orElse(null);
    if (beta == null || !g.isInitializer(beta)) {
      return Optional.empty();
    }
    NodeProto fused =
        NodeProto.newBuilder()
            .setName(shift.getName() + ":fused-layer-norm")
            .setOpType("LayerNorm")
            .setDomain(OpRegistry.FUSED_DOMAIN)
            .addInput(x)
            .addInput(gamma)
            .addInput(beta)
            .addOutput(shift.getOutput(0))
            .addAttribute(GraphBuilder.attr("epsilon", eps.get()))
            .build();
    return Optional.of(
        new Match(
            List.of(mean, sub, pow, variance, addEps, sqrt, div, scale, shift), List.of(fused)));
  }

  /** ReduceMean over the last axis only, keeping it (opset < 18: axes is an attribute). */
  private static boolean lastAxis(NodeProto reduceMean) {
    return GraphIndex.ints(reduceMean, "axes").equals(List.of(-1L))
        && GraphIndex.intAttribute(reduceMean, "keepdims", 1) == 1;
  }

  private static NodeProto find(List<NodeProto> nodes, String op) {
    return nodes.stream().filter(n -> n.getOpType().equals(op)).findFirst().orElse(null);
  }
}
