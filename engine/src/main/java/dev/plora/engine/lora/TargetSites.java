package dev.plora.engine.lora;

import dev.plora.engine.onnx.ModuleNames;
import dev.plora.engine.onnx.OnnxFormatException;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.TensorProto;
import java.util.ArrayList;
import java.util.List;

/** Finds the LoRA-targetable MatMuls of a model, in graph order. */
public final class TargetSites {
  private TargetSites() {}

  public static List<TargetSite> find(OnnxModel model) {
    List<TargetSite> sites = new ArrayList<>();
    for (NodeProto n : model.graph().getNodeList()) {
      if (!n.getOpType().equals("MatMul") || n.getInputCount() != 2) {
        continue;
      }
      TensorProto w = model.initializers().get(n.getInput(1));
      if (w == null
          || w.getDimsCount() != 2
          || w.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
        continue;
      }
      // Adapters and masks are sized from these dims: they must be the weight's real ones.
      try {
        TensorCodec.checkedCount(w);
      } catch (OnnxFormatException e) {
        throw new OnnxFormatException(model.source() + ": " + e.getMessage(), e);
      }
      sites.add(
          new TargetSite(
              ModuleNames.of(n, w.getName()),
              n.getName(),
              w.getName(),
              w.getDims(0),
              w.getDims(1)));
    }
    return sites;
  }
}
