package dev.plora.engine.runtime.optimize;

import static dev.plora.engine.onnx.GraphBuilder.ints;

import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds {@code MatMul(x, W) → Add b} with W a 2-D weight and b its 1-D bias, and puts one fused
 * Linear(x, Wᵀ, b) in its place ({@code torch.linear}: one addmm instead of a matmul and an add).
 * The fused node keeps the MatMul's name, so a LoRA adapter on that MatMul wraps it (adding its
 * delta after the bias changes nothing), and reads Wᵀ from a Transpose of the weight, which depends
 * on constants only and is computed once.
 */
final class LinearFusion extends PatternPass {
  private final Map<String, TensorProto> initializers;

  LinearFusion(Map<String, TensorProto> initializers) {
    this.initializers = initializers;
  }

  @Override
  Optional<Match> match(GraphIndex g, NodeProto mm) {
    if (!mm.getOpType().equals("MatMul") || mm.getInputCount() != 2) {
      return Optional.empty();
    }
    TensorProto w = initializers.get(mm.getInput(1));
    NodeProto add = g.soleConsumer(mm.getOutput(0), "Add").orElse(null);
    String bias = add == null ? null : GraphIndex.other(add, mm.getOutput(0)).orElse(null);
    TensorProto b = bias == null ? null : initializers.get(bias);
    if (w == null
        || b == null
        || w.getDimsCount() != 2
        || b.getDimsCount() != 1
        || b.getDims(0) != w.getDims(1)
        || w.getDataType() != b.getDataType()) {
      return Optional.empty();
    }
    String transposed = mm.getInput(1) + ":fused-linear-t";
    NodeProto transpose =
        NodeProto.newBuilder()
            .setName(mm.getName() + ":weight-t")
            .setOpType("Transpose")
            .addInput(mm.getInput(1))
            .addOutput(transposed)
            .addAttribute(ints("perm", 1, 0))
            .build();
    NodeProto linear =
        NodeProto.newBuilder()
            .setName(mm.getName())
            .setOpType("Linear")
            .setDomain(OpRegistry.FUSED_DOMAIN)
            .addInput(mm.getInput(0))
            .addInput(transposed)
            .addInput(bias)
            .addOutput(add.getOutput(0))
            .build();
    return Optional.of(new Match(List.of(mm, add), List.of(transpose, linear)));
  }
}
