package dev.plora.engine.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plora.engine.base.AtomicFiles;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.lora.AdaptedModel;
import dev.plora.engine.lora.LoraLayer;
import dev.plora.engine.lora.Mask;
import dev.plora.engine.run.RunRecord;
import dev.plora.engine.safetensors.Safetensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A sparse adapter: a directory with {@code sparse_adapter.safetensors} holding, per target, {@code
 * <module>.lora_A.indices} (int32 flat row-major positions of the kept entries) and {@code
 * <module>.lora_A.values} (fp32 or fp16), the same for B, and the dense head; and {@code
 * sparse_adapter.json} (format {@code plora-sparse}, version 1: dtype, rank, alpha, shapes,
 * labels). Its size follows the kept entries: 8 bytes each in fp32, 6 in fp16. Reading it back
 * gives the run's adapter tensors, bit-exact for fp32.
 */
public final class SparseAdapter {
  public static final String FORMAT = "plora-sparse";
  public static final int VERSION = 1;
  public static final String TENSORS = "sparse_adapter.safetensors";
  public static final String META = "sparse_adapter.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SparseAdapter() {}

  public static void write(Path dir, AdaptedModel model, RunRecord run, boolean fp16)
      throws IOException {
    RunConfig config = run.config();
    try (NDManager m = model.manager().newSubManager()) {
      NDList plain = model.adapterTensors(m);
      FiniteCheck.requireFinite(plain, config.data().singleTrain().toString());
      NDList out = new NDList();
      ObjectNode meta =
          JSON.createObjectNode()
              .put("format", FORMAT)
              .put("version", VERSION)
              .put("dtype", fp16 ? "float16" : "float32")
              .put("rank", config.lora().rank())
              .put("alpha", config.lora().alpha())
              .put("pooling", config.model().pooling().id())
              .put("base_model", config.model().source());
      run.labels().forEach(meta.putArray("labels")::add);
      ArrayNode targets = meta.putArray("targets");
      for (LoraLayer l : model.layers().values()) {
        String mod = l.site().module();
        add(out, m, mod + ".lora_A", l.a().mask(), l.a().denseValues(), fp16);
        add(out, m, mod + ".lora_B", l.b().mask(), l.b().denseValues(), fp16);
        ObjectNode t = targets.addObject().put("module", mod);
        t.putArray("lora_A_shape").add(l.a().mask().rows()).add(l.a().mask().cols());
        t.putArray("lora_B_shape").add(l.b().mask().rows()).add(l.b().mask().cols());
      }
      out.add(named(plain.get("classifier.weight"), "classifier.weight"));
      out.add(named(plain.get("classifier.bias"), "classifier.bias"));
      AtomicFiles.write(dir.resolve(TENSORS), o -> out.encode(o, NDList.Encoding.SAFETENSORS));
      AtomicFiles.write(dir.resolve(META), o -> JSON.writeValue(o, meta));
    }
  }

  private static void add(
      NDList out, NDManager m, String name, Mask mask, float[] dense, boolean fp16) {
    int[] idx = new int[mask.kept().length];
    float[] values = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = Math.toIntExact(mask.kept()[i]);
      values[i] = dense[idx[i]];
    }
    out.add(named(m.create(idx), name + ".indices"));
    NDArray v = m.create(values);
    out.add(named(fp16 ? v.toType(DataType.FLOAT16, false) : v, name + ".values"));
  }

  /**
   * Reads a sparse adapter back as the dense tensors of a run's adapter.safetensors ({@code
   * <module>.lora_A}, {@code .lora_B}, {@code .lora_A_mask}, {@code .lora_B_mask}, head).
   */
  public static NDList read(Path dir, NDManager manager) {
    Path metaFile = dir.resolve(META);
    JsonNode meta;
    try {
      meta = JSON.readTree(metaFile.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          dir + ": not a readable sparse adapter: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(meta.path("format").asText()) || meta.path("version").asInt() != VERSION) {
      throw new IllegalArgumentException(
          metaFile
              + ": format "
              + meta.path("format").asText()
              + " version "
              + meta.path("version").asInt()
              + " is not "
              + FORMAT
              + " version "
              + VERSION);
    }
    NDList tensors = Safetensors.read(dir.resolve(TENSORS), manager);
    NDList out = new NDList();
    for (JsonNode t : meta.path("targets")) {
      String mod = t.path("module").asText();
      for (String part : new String[] {"lora_A", "lora_B"}) {
        JsonNode shape = t.path(part + "_shape");
        int cells = cells(shape, dir, mod + "." + part);
        long rows = shape.get(0).asLong();
        long cols = shape.get(1).asLong();
        NDArray idx = tensors.get(mod + "." + part + ".indices");
        NDArray val = tensors.get(mod + "." + part + ".values");
        if (idx == null || val == null) {
          throw new IllegalArgumentException(
              dir + ": missing " + mod + "." + part + " indices or values");
        }
        int[] positions = idx.toIntArray();
        float[] values = val.toType(DataType.FLOAT32, false).toFloatArray();
        float[] dense = new float[cells];
        byte[] mask = new byte[dense.length];
        if (positions.length != values.length) {
          throw new IllegalArgumentException(
              dir
                  + ": "
                  + mod
                  + "."
                  + part
                  + " has "
                  + positions.length
                  + " indices but "
                  + values.length
                  + " values");
        }
        for (int i = 0; i < positions.length; i++) {
          if (positions[i] < 0 || positions[i] >= cells) {
            throw new IllegalArgumentException(
                dir
                    + ": "
                    + mod
                    + "."
                    + part
                    + " index "
                    + positions[i]
                    + " is outside its "
                    + cells
                    + " entries");
          }
          dense[positions[i]] = values[i];
          mask[positions[i]] = 1;
        }
        out.add(named(manager.create(dense, new Shape(rows, cols)), mod + "." + part));
        out.add(
            named(
                manager.create(ByteBuffer.wrap(mask), new Shape(rows, cols), DataType.UINT8),
                mod + "." + part + "_mask"));
      }
    }
    out.add(tensors.get("classifier.weight"));
    out.add(tensors.get("classifier.bias"));
    return out;
  }

  /**
   * The entries of a target's dense matrix from its {@code [rows, cols]} in the metadata, checked:
   * the dense matrix is allocated from it.
   */
  private static int cells(JsonNode shape, Path dir, String what) {
    if (!shape.isArray()
        || shape.size() != 2
        || !shape.get(0).canConvertToLong()
        || !shape.get(1).canConvertToLong()
        || shape.get(0).asLong() < 0
        || shape.get(1).asLong() < 0) {
      throw new IllegalArgumentException(dir + ": " + what + " has no valid [rows, cols] shape");
    }
    try {
      long cells = Math.multiplyExact(shape.get(0).asLong(), shape.get(1).asLong());
      if (cells <= Integer.MAX_VALUE - 8) {
        return (int) cells;
      }
    } catch (ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        dir + ": " + what + " is " + shape + ", too large for one array");
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
