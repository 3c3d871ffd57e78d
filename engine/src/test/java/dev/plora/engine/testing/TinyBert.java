package dev.plora.engine.testing;

import static dev.plora.engine.onnx.GraphBuilder.attr;
import static dev.plora.engine.onnx.GraphBuilder.ints;

import dev.plora.engine.onnx.GraphBuilder;
import dev.plora.engine.onnx.OnnxModel;
import dev.plora.engine.onnx.TensorCodec;
import dev.plora.engine.onnx.proto.TensorProto;
import java.util.List;
import java.util.Random;

/**
 * A randomly initialised BERT-style encoder written as ONNX the way exporters write BERT: shapes
 * computed from {@code Shape} at run time, attention heads split with Reshape/Transpose, an
 * additive attention mask, erf-based GELU, and layer norms either decomposed (ReduceMean/Pow/Sqrt)
 * or as the {@code LayerNormalization} op (opset 17+). Node names follow the PyTorch module paths
 * ({@code /encoder/layer.0/attention/self/query/MatMul}), so LoRA targets look as they do in real
 * models. For tests, demos and benchmarks that need a model in seconds.
 *
 * @param vocabSize token ids are in {@code [0, vocabSize)}
 * @param hidden model width H; must be divisible by {@code heads}
 * @param heads attention heads
 * @param layers encoder layers
 * @param intermediate feed-forward width
 * @param maxPositions longest sequence the position table covers
 * @param opset 11 to 20; selects the op signatures (Unsqueeze axes input from 13, ReduceMean axes
 *     input from 18, LayerNormalization from 17, Gelu from 20)
 * @param float64 whether weights and activations are double (for finite-difference gradient checks)
 * @param seed the weights' seed
 */
public record TinyBert(
    int vocabSize,
    int hidden,
    int heads,
    int layers,
    int intermediate,
    int maxPositions,
    int opset,
    boolean float64,
    long seed) {

  public TinyBert {
    if (hidden % heads != 0) {
      throw new IllegalArgumentException(
          "hidden (" + hidden + ") must be divisible by heads (" + heads + ")");
    }
    if (opset < 11 || opset > 20) {
      throw new IllegalArgumentException("opset must be in [11, 20], got " + opset);
    }
  }

  /** A small default: vocab 100, H 16, 2 heads, 2 layers, opset 14, float32. */
  public static TinyBert small(long seed) {
    return new TinyBert(100, 16, 2, 2, 32, 64, 14, false, seed);
  }

  public OnnxModel build() {
    return new Writer().write();
  }

  private final class Writer {
    private final GraphBuilder g = new GraphBuilder("tiny-bert", opset);
    private final Random random = new Random(seed);
    private final int elem =
        float64 ? TensorProto.DataType.DOUBLE_VALUE : TensorProto.DataType.FLOAT_VALUE;
    private int constants;

    OnnxModel write() {
      String ids = g.input("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence");
      String mask =
          g.input("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "sequence");
      String types =
          g.input("token_type_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence");

      // Embeddings: word + position (Range over the run-time length) + token type.
      String word =
          g.node(
              "Gather",
              "/embeddings/word_embeddings/Gather",
              List.of(weight("embeddings.word_embeddings.weight", vocabSize, hidden), ids));
      String shape = g.node("Shape", "/embeddings/Shape", List.of(ids));
      String seqLen =
          g.node("Gather", "/embeddings/Gather", List.of(shape, longScalar(1)), attr("axis", 0L));
      String positions =
          g.node("Range", "/embeddings/Range", List.of(longScalar(0), seqLen, longScalar(1)));
      String posIds = unsqueeze("/embeddings/Unsqueeze", positions, 0);
      String pos =
          g.node(
              "Gather",
              "/embeddings/position_embeddings/Gather",
              List.of(
                  weight("embeddings.position_embeddings.weight", maxPositions, hidden), posIds));
      String type =
          g.node(
              "Gather",
              "/embeddings/token_type_embeddings/Gather",
              List.of(weight("embeddings.token_type_embeddings.weight", 2, hidden), types));
      String sum = add("/embeddings/Add", add("/embeddings/Add_1", word, type), pos);
      String h = layerNorm("/embeddings/LayerNorm", "embeddings.LayerNorm", sum);

      // Additive mask [B, 1, 1, T]: 0 where attended, -10000 at padding.
      String m = unsqueeze("/Unsqueeze", unsqueeze("/Unsqueeze_1", mask, 1), 2);
      String mf = g.node("Cast", "/Cast", List.of(m), attr("to", (long) elem));
      String inv = g.node("Sub", "/Sub", List.of(scalar(1.0), mf));
      String ext = g.node("Mul", "/Mul", List.of(inv, scalar(-10000.0)));

      for (int l = 0; l < layers; l++) {
        h = layer(l, h, ext);
      }
      g.node(
          dev.plora.engine.onnx.proto.NodeProto.newBuilder()
              .setOpType("Identity")
              .setName("/Identity_output")
              .addInput(h)
              .addOutput("last_hidden_state")
              .build());
      g.output("last_hidden_state", elem, "batch", "sequence", Integer.toString(hidden));
      return g.build();
    }

    private String layer(int l, String x, String ext) {
      String p = "/encoder/layer." + l;
      String mod = "encoder.layer." + l;
      int dh = hidden / heads;
      String q =
          heads(
              p + "/attention/self/query",
              linear(p + "/attention/self/query", mod + ".attention.self.query", x, hidden, hidden),
              x);
      String k =
          heads(
              p + "/attention/self/key",
              linear(p + "/attention/self/key", mod + ".attention.self.key", x, hidden, hidden),
              x);
      String v =
          heads(
              p + "/attention/self/value",
              linear(p + "/attention/self/value", mod + ".attention.self.value", x, hidden, hidden),
              x);
      String kt =
          g.node(
              "Transpose", p + "/attention/self/Transpose_k", List.of(k), ints("perm", 0, 1, 3, 2));
      String scores = g.node("MatMul", p + "/attention/self/MatMul", List.of(q, kt));
      String scaled =
          g.node("Div", p + "/attention/self/Div", List.of(scores, scalar(Math.sqrt(dh))));
      String masked = add(p + "/attention/self/Add", scaled, ext);
      String probs =
          g.node("Softmax", p + "/attention/self/Softmax", List.of(masked), attr("axis", -1L));
      String ctx = g.node("MatMul", p + "/attention/self/MatMul_1", List.of(probs, v));
      String merged =
          g.node(
              "Transpose",
              p + "/attention/self/Transpose_ctx",
              List.of(ctx),
              ints("perm", 0, 2, 1, 3));
      String flat =
          g.node(
              "Reshape",
              p + "/attention/self/Reshape_ctx",
              List.of(merged, dims(p + "/attention/self/ctx_shape", x, hidden)));
      String attn =
          linear(
              p + "/attention/output/dense", mod + ".attention.output.dense", flat, hidden, hidden);
      String h1 =
          layerNorm(
              p + "/attention/output/LayerNorm",
              mod + ".attention.output.LayerNorm",
              add(p + "/attention/output/Add", attn, x));
      String inter =
          gelu(
              p + "/intermediate/intermediate_act_fn",
              linear(
                  p + "/intermediate/dense",
                  mod + ".intermediate.dense",
                  h1,
                  hidden,
                  intermediate));
      String out = linear(p + "/output/dense", mod + ".output.dense", inter, intermediate, hidden);
      return layerNorm(
          p + "/output/LayerNorm", mod + ".output.LayerNorm", add(p + "/output/Add", out, h1));
    }

    /** {@code x·W + b} with W {@code [in, out]} named after the module, as exporters emit it. */
    private String linear(String path, String module, String x, int in, int out) {
      String mm =
          g.node("MatMul", path + "/MatMul", List.of(x, weight(module + ".weight.T", in, out)));
      return add(path + "/Add", mm, bias(module + ".bias", out));
    }

    /** [B, T, H] → [B, heads, T, dh] with the dims read from the run-time shape. */
    private String heads(String path, String x, String like) {
      String shape = dims(path + "/heads_shape", like, heads, hidden / heads);
      String r = g.node("Reshape", path + "/Reshape", List.of(x, shape));
      return g.node("Transpose", path + "/Transpose", List.of(r), ints("perm", 0, 2, 1, 3));
    }

    /** Concat(B, T, tail...) where B and T come from Shape(like). */
    private String dims(String path, String like, long... tail) {
      String shape = g.node("Shape", path + "/Shape", List.of(like));
      String b =
          unsqueeze(
              path + "/Unsqueeze_b",
              g.node("Gather", path + "/Gather_b", List.of(shape, longScalar(0)), attr("axis", 0L)),
              0);
      String t =
          unsqueeze(
              path + "/Unsqueeze_t",
              g.node("Gather", path + "/Gather_t", List.of(shape, longScalar(1)), attr("axis", 0L)),
              0);
      String rest =
          g.initializer(TensorCodec.longs(path + ".tail", new long[] {tail.length}, tail));
      return g.node("Concat", path + "/Concat", List.of(b, t, rest), attr("axis", 0L));
    }

    private String layerNorm(String path, String module, String x) {
      String scale = g.initializer(values(module + ".weight", new long[] {hidden}, 1.0, 0.1));
      String shift = bias(module + ".bias", hidden);
      if (opset >= 17) {
        return g.node(
            "LayerNormalization",
            path + "/LayerNormalization",
            List.of(x, scale, shift),
            attr("axis", -1L),
            attr("epsilon", 1e-12f));
      }
      String mean = reduceMean(path + "/ReduceMean", x);
      String centered = g.node("Sub", path + "/Sub", List.of(x, mean));
      String sq = g.node("Pow", path + "/Pow", List.of(centered, scalar(2.0)));
      String var = reduceMean(path + "/ReduceMean_1", sq);
      String std = g.node("Sqrt", path + "/Sqrt", List.of(add(path + "/Add", var, scalar(1e-12))));
      String normed = g.node("Div", path + "/Div", List.of(centered, std));
      return add(path + "/Add_1", g.node("Mul", path + "/Mul", List.of(normed, scale)), shift);
    }

    private String reduceMean(String name, String x) {
      if (opset >= 18) {
        return g.node(
            "ReduceMean",
            name,
            List.of(x, g.initializer(TensorCodec.longs(name + ".axes", new long[] {1}, -1))));
      }
      return g.node("ReduceMean", name, List.of(x), ints("axes", -1));
    }

    private String gelu(String path, String x) {
      if (opset >= 20) {
        return g.node("Gelu", path + "/Gelu", List.of(x));
      }
      String d = g.node("Div", path + "/Div", List.of(x, scalar(Math.sqrt(2.0))));
      String e = g.node("Erf", path + "/Erf", List.of(d));
      String one = add(path + "/Add", e, scalar(1.0));
      String m = g.node("Mul", path + "/Mul", List.of(x, one));
      return g.node("Mul", path + "/Mul_1", List.of(m, scalar(0.5)));
    }

    private String unsqueeze(String name, String x, long axis) {
      if (opset >= 13) {
        return g.node(
            "Unsqueeze",
            name,
            List.of(x, g.initializer(TensorCodec.longs(name + ".axes", new long[] {1}, axis))));
      }
      return g.node("Unsqueeze", name, List.of(x), ints("axes", axis));
    }

    private String add(String name, String a, String b) {
      return g.node("Add", name, List.of(a, b));
    }

    private String weight(String name, long rows, long cols) {
      return g.initializer(
          values(name, new long[] {rows, cols}, 0.0, 1.0 / Math.sqrt(Math.min(rows, cols) + 1.0)));
    }

    private String bias(String name, long n) {
      return g.initializer(values(name, new long[] {n}, 0.0, 0.05));
    }

    private String scalar(double v) {
      String name = "const_" + constants++;
      return g.initializer(
          float64
              ? TensorCodec.doubles(name, new long[0], new double[] {v})
              : TensorCodec.floats(name, new long[0], new float[] {(float) v}));
    }

    private String longScalar(long v) {
      return g.initializer(TensorCodec.longs("const_" + constants++, new long[0], v));
    }

    /** Gaussian values {@code mean + std·N(0,1)}. */
    private TensorProto values(String name, long[] dims, double mean, double std) {
      int n = (int) java.util.Arrays.stream(dims).reduce(1, (a, b) -> a * b);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = mean + std * random.nextGaussian();
      }
      if (float64) {
        return TensorCodec.doubles(name, dims, v);
      }
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] = (float) v[i];
      }
      return TensorCodec.floats(name, dims, f);
    }
  }
}
