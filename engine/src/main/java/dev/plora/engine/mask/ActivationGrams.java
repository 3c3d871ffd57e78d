package dev.plora.engine.mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.data.TokenizedBatch;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.runtime.GraphExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the frozen model on examples and accumulates, for every target, the Gram matrix {@code G =
 * XᵀX [in, in]} of its MatMul input over all non-padding tokens ({@code X [N, in]}). Padding rows
 * are multiplied by 0 before they enter G, so they are excluded exactly. Targets that read the same
 * value (query, key and value) share one matrix.
 */
public final class ActivationGrams {
  private ActivationGrams() {}

  /** Gram matrices by module name, row-major doubles. */
  public static Map<String, double[]> capture(
      OnnxModel model,
      List<TargetSite> sites,
      Dataset examples,
      TextTokenizer tokenizer,
      int batchSize) {
    Map<String, String> inputOf = new LinkedHashMap<>();
    for (TargetSite s : sites) {
      NodeProto node =
          model.graph().getNodeList().stream()
              .filter(n -> n.getName().equals(s.nodeName()))
              .findFirst()
              .orElseThrow();
      inputOf.put(s.module(), node.getInput(0));
    }
    Map<String, Long> width = new HashMap<>();
    sites.forEach(s -> width.put(inputOf.get(s.module()), s.in()));
    Map<String, double[]> byValue = new HashMap<>();
    try (NDManager manager = NDManager.newBaseManager();
        GraphExecutor ex = new GraphExecutor(model, manager)) {
      NDArray[] mask = new NDArray[1];
      for (String value : new java.util.LinkedHashSet<>(inputOf.values())) {
        int in = Math.toIntExact(width.get(value));
        byValue.put(value, new double[in * in]);
        ex.addObserver(
            value,
            (name, x) -> {
              NDArray rows = x.reshape(-1, in).mul(mask[0]); // [N, in], padding rows zeroed
              float[] g = rows.transpose().matMul(rows).toFloatArray(); // [in, in]
              double[] acc = byValue.get(name);
              for (int i = 0; i < g.length; i++) {
                acc[i] += g[i];
              }
            });
      }
      for (int from = 0; from < examples.size(); from += batchSize) {
        List<String> texts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        for (int i = from; i < Math.min(examples.size(), from + batchSize); i++) {
          Example e = examples.get(i);
          texts.add(e.text());
          pairs.add(e.textPair());
        }
        TokenizedBatch batch = tokenizer.encode(texts, pairs);
        try (NDManager step = manager.newSubManager()) {
          mask[0] =
              batch
                  .toArrays(step)
                  .get("attention_mask")
                  .toType(DataType.FLOAT32, false)
                  .reshape(-1, 1); // [N, 1]
          ex.run(
              step,
              batch.feeds(ex.inputNames(), step),
              new ArrayList<>(new java.util.LinkedHashSet<>(inputOf.values())));
        }
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    inputOf.forEach((module, value) -> out.put(module, byValue.get(value)));
    return out;
  }
}
