package dev.plora.engine.model;

import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorDataType;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.OperatorSetIdProto;
import dev.plora.engine.onnx.proto.TensorShapeProto;
import dev.plora.engine.onnx.proto.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code plora inspect} reports about a model: inputs and outputs with element type and shape,
 * the op histogram, the opsets, the parameter count and the LoRA-targetable MatMuls.
 */
public record ModelSummary(
    String source,
    long irVersion,
    String producer,
    Map<String, Long> opsets,
    List<Value> inputs,
    List<Value> outputs,
    Map<String, Integer> opHistogram,
    int nodeCount,
    long parameterCount,
    List<TargetSite> targets) {

  /**
   * A graph input or output: name, element type and dims (numbers, or symbolic names such as
   * "batch").
   */
  public record Value(String name, String elementType, List<String> shape) {}

  public static ModelSummary of(OnnxModel model) {
    Set<String> initNames = model.initializers().keySet();
    List<Value> ins =
        model.graph().getInputList().stream()
            .filter(v -> !initNames.contains(v.getName()))
            .map(ModelSummary::value)
            .toList();
    List<Value> outs = model.graph().getOutputList().stream().map(ModelSummary::value).toList();
    Map<String, Integer> hist = new TreeMap<>();
    for (NodeProto n : model.graph().getNodeList()) {
      hist.merge(n.getOpType(), 1, Integer::sum);
    }
    long params =
        model.initializers().values().stream()
            .mapToLong(t -> t.getDimsList().stream().reduce(1L, (a, b) -> a * b))
            .sum();
    Map<String, Long> opsets =
        model.proto().getOpsetImportList().stream()
            .collect(
                Collectors.toMap(
                    o -> o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(),
                        OperatorSetIdProto::getVersion,
                    (a, b) -> a, TreeMap::new));
    String producer =
        (model.proto().getProducerName() + " " + model.proto().getProducerVersion()).trim();
    return new ModelSummary(
        model.source(),
        model.proto().getIrVersion(),
        producer,
        opsets,
        ins,
        outs,
        hist,
        model.graph().getNodeCount(),
        params,
        TargetSites.find(model));
  }

  private static Value value(ValueInfoProto v) {
    if (!v.getType().hasTensorType()) {
      return new Value(v.getName(), "non-tensor", List.of());
    }
    List<String> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
      dims.add(
          d.hasDimValue()
              ? Long.toString(d.getDimValue())
              : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
    }
    return new Value(
        v.getName(), TensorDataType.onnxName(v.getType().getTensorType().getElemType()), dims);
  }
}
