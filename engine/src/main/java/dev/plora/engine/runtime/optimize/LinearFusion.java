package dev.plora.engine.runtime.optimize;

import static dev.plora.engine.onnx.GraphBuilder.ints;

import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import dev.plora.engine.runtime.kernel.OpRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds {@code MatMul(x, W) → Add b} with W a 2-D weight and b its 1-D bias, and puts one fused
 * Linear(x, Wᵀ, b) in its place ({@code torch.linear}: one addmm instead of a matmul and an add).
 * The fused node keeps the MatMul's name, so a LoRA adapter on that MatMul wraps it (adding its
 * delta after the bias changes nothing), and reads Wᵀ from a Transpose of the weight, which depends
 * on constants only and is computed once.
 */
final class LinearFusion implements GraphPass {
  private final Map<String, TensorProto> initializers;
  private int replaced;

  LinearFusion(Map<String, TensorProto> initializers) {
    this.initializers = initializers;
  }

  @Override
  public List<NodeProto> apply(GraphIndex g) {
    replaced = 0;
    Set<NodeProto> removed = new HashSet<>();
    List<NodeProto> added = new ArrayList<>();
    for (NodeProto mm : g.nodes()) {
      if (!mm.getOpType().equals("MatMul") || mm.getInputCount() != 2) {
        continue;
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
        continue;
      }
      String transposed = mm.getInput(1) + ":fused-linear-t";
      added.add(
          NodeProto.newBuilder()
              .setName(mm.getName() + ":weight-t")
              .setOpType("Transpose")
              .addInput(mm.getInput(1))
              .addOutput(transposed)
              .addAttribute(ints("perm", 1, 0))
              .build());
      added.add(
          NodeProto.newBuilder()
              .setName(mm.getName())
              .setOpType("Linear")
              .setDomain(OpRegistry.FUSED_DOMAIN)
              .addInput(mm.getInput(0))
              .addInput(transposed)
              .addInput(bias)
              .addOutput(add.getOutput(0))
              .build());
      removed.add(mm);
      removed.add(add);
      replaced++;
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
}
