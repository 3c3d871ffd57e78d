package dev.plora.engine.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.runtime.OwnedArrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A padded batch of token ids, all {@code [B, T]} with T the longest sequence in the batch (after
 * truncation). Padding positions have attention mask 0.
 */
public record TokenizedBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

  public int batchSize() {
    return inputIds.length;
  }

  public int sequenceLength() {
    return inputIds.length == 0 ? 0 : inputIds[0].length;
  }

  /** The three arrays by their usual ONNX input names: input_ids, attention_mask, token_type_ids. */
  public Map<String, NDArray> toArrays(NDManager manager) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put("input_ids", create(manager, inputIds));
    m.put("attention_mask", create(manager, attentionMask));
    m.put("token_type_ids", create(manager, tokenTypeIds));
    return m;
  }

  private static NDArray create(NDManager manager, long[][] rows) {
    return OwnedArrays.own(manager.create(flatten(rows), new Shape(rows.length, rows.length == 0 ? 0 : rows[0].length)));
  }

  /** Rows {@code [B][T]} as one row-major array of {@code B·T} values. */
  public static long[] flatten(long[][] rows) {
    int b = rows.length;
    int t = b == 0 ? 0 : rows[0].length;
    long[] flat = new long[b * t];
    for (int i = 0; i < b; i++) {
      System.arraycopy(rows[i], 0, flat, i * t, t);
    }
    return flat;
  }
}
