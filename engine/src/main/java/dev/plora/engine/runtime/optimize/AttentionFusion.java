package dev.plora.engine.runtime.optimize;

import dev.plora.engine.onnx.proto.AttributeProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.List;
import java.util.Optional;

/**
 * Finds self-attention as BERT-family exports spell it — {@code MatMul(Q, Kᵀ) → Div c → Add mask →
 * Softmax(last axis) → MatMul(·, V)} — and puts one fused Attention(Q, Kᵀ, V, mask; scale = 1/c) in
 * its place, producing the last MatMul's output. The MatMuls it takes have no weight operand, so
 * the projections the LoRA adapters attach to are left to LinearFusion.
 */
final class AttentionFusion extends PatternPass {
  @Override
  Optional<Match> match(GraphIndex g, NodeProto softmax) {
    if (!softmax.getOpType().equals("Softmax") || !lastAxisOfRank4(softmax)) {
      return Optional.empty();
    }
    NodeProto add = g.producer(softmax.getInput(0)).orElse(null);
    if (add == null
        || !add.getOpType().equals("Add")
        || add.getInputCount() != 2
        || g.soleConsumer(add.getOutput(0), "Softmax").isEmpty()) {
      return Optional.empty();
    }
    NodeProto div = null;
    String mask = null;
    for (int i = 0; i < 2 && div == null; i++) {
      NodeProto p = g.producer(add.getInput(i)).orElse(null);
      if (p != null && p.getOpType().equals("Div")) {
        div = p;
        mask = add.getInput(1 - i);
      }
    }
    if (div == null || g.soleConsumer(div.getOutput(0), "Add").isEmpty()) {
      return Optional.empty();
    }
    Optional<Float> c = g.scalar(div.getInput(1));
    if (c.isEmpty() || !(c.get() > 0)) {
      return Optional.empty();
    }
    NodeProto scores = g.producer(div.getInput(0)).orElse(null);
    if (!isActivationMatMul(g, scores) || g.soleConsumer(scores.getOutput(0), "Div").isEmpty()) {
      return Optional.empty();
    }
    NodeProto context = g.soleConsumer(softmax.getOutput(0), "MatMul").orElse(null);
    if (!isActivationMatMul(g, context) || !context.getInput(0).equals(softmax.getOutput(0))) {
      return Optional.empty();
    }
    NodeProto fused =
        NodeProto.newBuilder()
            .setName(context.getName() + ":fused-attention")
            .setOpType("Attention")
            .setDomain(OpRegistry.FUSED_DOMAIN)
            .addInput(scores.getInput(0))
            .addInput(scores.getInput(1))
            .addInput(context.getInput(1))
            .addInput(mask)
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("scale")
                    .setType(AttributeProto.AttributeType.FLOAT)
                    .setF(1f / c.get()))
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(GraphIndex.intAttribute(softmax, "axis", -1)))
            .addOutput(context.getOutput(0))
            .build();
    return Optional.of(new Match(List.of(scores, div, add, softmax, context), List.of(fused)));
  }

  /**
   * Softmax with an explicit axis of -1 (the last axis at any opset: before 13 the input is coerced
   * to 2-D at that axis, which agrees) or 3 (the last axis of rank-4 scores, which the kernel
   * checks). An absent axis means 1 before opset 13: left alone.
   */
  private static boolean lastAxisOfRank4(NodeProto softmax) {
    long axis = GraphIndex.intAttribute(softmax, "axis", Long.MIN_VALUE);
    return axis == 3 || axis == -1;
  }

  private static boolean isActivationMatMul(GraphIndex g, NodeProto n) {
    return n != null
        && n.getOpType().equals("MatMul")
        && !g.isInitializer(n.getInput(0))
        && !g.isInitializer(n.getInput(1));
  }
}
