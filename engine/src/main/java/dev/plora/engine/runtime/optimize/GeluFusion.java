package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the exact GELU as torch.onnx exports it — {@code Div(x, √2) → Erf → Add 1 → Mul x → Mul
 * 0.5} — and puts one fused Gelu(x) in its place, producing the last Mul's output.
 */
final class GeluFusion implements GraphPass {
  private static final double SQRT2 = Math.sqrt(2.0);
  private int replaced;

  @Override
  public List<NodeProto> apply(GraphIndex g) {
    replaced = 0;
    Set<NodeProto> removed = new HashSet<>();
    List<NodeProto> added = new ArrayList<>();
    for (NodeProto erf : g.nodes()) {
      if (erf.getOpType().equals("Erf")) {
        match(g, erf)
            .ifPresent(
                m -> {
                  removed.addAll(m.nodes);
                  added.add(m.fused);
                  replaced++;
                });
      }
    }
    if (replaced == 0) {
      return g.nodes();
    }
    List<NodeProto> out = new ArrayList<>();
    for (NodeProto n : g.nodes()) {
      if (!removed.contains(n)) {
        out.add(n);
      }
    }
    out.addAll(added);
    return out;
  }

  @Override
  public int replaced() {
    return replaced;
  }

  private record Match(List<NodeProto> nodes, NodeProto fused) {}

  private static Optional<Match> match(GraphIndex g, NodeProto erf) {
    NodeProto div = g.producer(erf.getInput(0)).orElse(null);
    if (div == null
        || !div.getOpType().equals("Div")
        || g.soleConsumer(div.getOutput(0), "Erf").isEmpty()
        || g.scalar(div.getInput(1)).filter(c -> Math.abs(c - SQRT2) < 1e-5).isEmpty()) {
      return Optional.empty();
    }
    String x = div.getInput(0);
    NodeProto plusOne = g.soleConsumer(erf.getOutput(0), "Add").orElse(null);
    if (plusOne == null
        || GraphIndex.other(plusOne, erf.getOutput(0))
            .flatMap(g::scalar)
            .filter(c -> c == 1f)
            .isEmpty()) {
      return Optional.empty();
    }
    NodeProto timesX = g.soleConsumer(plusOne.getOutput(0), "Mul").orElse(null);
    if (timesX == null
        || !GraphIndex.other(timesX, plusOne.getOutput(0)).map(x::equals).orElse(false)) {
      return Optional.empty();
    }
    NodeProto half = g.soleConsumer(timesX.getOutput(0), "Mul").orElse(null);
    if (half == null
        || GraphIndex.other(half, timesX.getOutput(0))
            .flatMap(g::scalar)
            .filter(c -> c == 0.5f)
            .isEmpty()) {
      return Optional.empty();
    }
    NodeProto fused =
        NodeProto.newBuilder()
            .setName(half.getName() + ":fused-gelu")
            .setOpType("Gelu")
            .setDomain(OpRegistry.FUSED_DOMAIN)
            .addInput(x)
            .addOutput(half.getOutput(0))
            .build();
    return Optional.of(new Match(List.of(div, erf, plusOne, timesX, half), fused));
  }
}
