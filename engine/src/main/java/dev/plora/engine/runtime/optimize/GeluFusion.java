package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.List;
import java.util.Optional;

/**
 * Finds the exact GELU as torch.onnx exports it — {@code Div(x, √2) → Erf → Add 1 → Mul x → Mul
 * 0.5} — and puts one fused Gelu(x) in its place, producing the last Mul's output.
 */
final class GeluFusion extends PatternPass {
  private static final double SQRT2 = Math.sqrt(2.0);

  @Override
  Optional<Match> match(GraphIndex g, NodeProto erf) {
    if (!erf.getOpType().equals("Erf")) {
      return Optional.empty();
    }
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
    return Optional.of(new Match(List.of(div, erf, plusOne, timesX, half), List.of(fused)));
  }
}
