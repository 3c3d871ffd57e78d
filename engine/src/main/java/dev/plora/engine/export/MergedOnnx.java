package dev.plora.engine.export;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.LoraLayer;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.GraphProto;
import dev.plora.engine.onnx.proto.ModelProto;
import dev.plora.engine.onnx.proto.NodeProto;
import dev.plora.engine.onnx.proto.StringStringEntryProto;
import dev.plora.engine.onnx.proto.TensorProto;
import java.util.List;

/**
 * Folds trained adapters into the base model: each target's initializer becomes {@code W0 +
 * (alpha/r)·(A⊙Ma)ᵀ(B⊙Mb)ᵀ} ({@code [in, out]}, computed in double), copied first when other nodes
 * share it, and the head is appended ({@link HeadGraph}). The merged graph has the base model's
 * nodes plus the head's, no per-layer extras. Labels, pooling and max length travel as {@code
 * plora.*} metadata properties.
 */
public final class MergedOnnx {
  public static final String LABELS = "plora.labels";
  public static final String POOLING = "plora.pooling";
  public static final String MAX_LENGTH = "plora.max_length";
  public static final String FORMAT = "plora.format";

  private MergedOnnx() {}

  public static OnnxModel build(
      OnnxModel base, AdaptedModel model, List<String> labels, int maxLength) {
    ModelProto.Builder m = base.proto().toBuilder();
    GraphProto.Builder g = m.getGraphBuilder();
    try (NDManager nd = model.manager().newSubManager()) {
      for (LoraLayer layer : model.layers().values()) {
        String weight = layer.site().weightName();
        int init = indexOfInitializer(g, weight);
        float[] w0 = TensorCodec.decode(g.getInitializer(init), nd).toFloatArray();
        float[] merged = merge(w0, layer, model.config().scale());
        long users =
            g.getNodeList().stream().filter(n -> n.getInputList().contains(weight)).count();
        TensorProto tensor =
            TensorCodec.floats(weight, new long[] {layer.site().in(), layer.site().out()}, merged);
        if (users > 1) {
          // Another node reads the same weight: give this MatMul its own merged copy.
          String copy = weight + "::merged::" + layer.site().module();
          g.addInitializer(tensor.toBuilder().setName(copy));
          int node = indexOfNode(g, layer.site().nodeName());
          NodeProto.Builder nb = g.getNodeBuilder(node);
          nb.setInput(1, copy);
        } else {
          g.setInitializer(init, tensor);
        }
      }
    }
    float[] weight = model.head().weight().value().toFloatArray();
    float[] bias = model.head().bias().value().toFloatArray();
    long hidden = model.head().weight().value().getShape().get(1);
    HeadGraph.append(
        g,
        base.opset(),
        model.hiddenOutput(),
        model.head().pooling(),
        labels.size(),
        hidden,
        weight,
        bias);
    m.addMetadataProps(meta(LABELS, json(labels)));
    m.addMetadataProps(
        meta(POOLING, model.head().pooling().name().toLowerCase(java.util.Locale.ROOT)));
    m.addMetadataProps(meta(MAX_LENGTH, Integer.toString(maxLength)));
    m.addMetadataProps(meta(FORMAT, "onnx-merged/1"));
    return new OnnxModel(m.build(), base.source() + " (merged)");
  }

  /** {@code W0[i][o] + scale · Σ_k A[k][i] · B[o][k]}, accumulated in double. */
  static float[] merge(float[] w0, LoraLayer layer, double scale) {
    int in = (int) layer.site().in();
    int out = (int) layer.site().out();
    int r = (int) layer.a().mask().rows();
    float[] a = layer.a().denseValues(); // [r, in]
    float[] b = layer.b().denseValues(); // [out, r]
    float[] merged = new float[w0.length];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        double delta = 0;
        for (int k = 0; k < r; k++) {
          delta += (double) a[k * in + i] * b[o * r + k];
        }
        merged[i * out + o] = (float) (w0[i * out + o] + scale * delta);
      }
    }
    return merged;
  }

  private static int indexOfInitializer(GraphProto.Builder g, String name) {
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals(name)) {
        return i;
      }
    }
    throw new ExportException("the base model has no initializer '" + name + "'");
  }

  private static int indexOfNode(GraphProto.Builder g, String name) {
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals(name)) {
        return i;
      }
    }
    throw new ExportException("the base model has no node '" + name + "'");
  }

  private static StringStringEntryProto meta(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static String json(List<String> labels) {
    try {
      return new ObjectMapper().writeValueAsString(labels);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
