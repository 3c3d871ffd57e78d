package dev.plora.engine.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.plora.engine.base.OwnedArrays;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * The three arrays by their usual ONNX input names: input_ids, attention_mask, token_type_ids.
   */
  public Map<String, NDArray> toArrays(NDManager manager) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put("input_ids", create(manager, inputIds));
    m.put("attention_mask", create(manager, attentionMask));
    m.put("token_type_ids", create(manager, tokenTypeIds));
    return m;
  }

  /**
   * The arrays a model's graph inputs take, by input name, in the model's order; an input the
   * tokenizer does not provide is an error naming it.
   */
  public Map<String, NDArray> feeds(List<String> inputNames, NDManager manager) {
    Map<String, NDArray> all = toArrays(manager);
    Map<String, NDArray> feeds = new LinkedHashMap<>();
    for (String name : inputNames) {
      NDArray a = all.get(name);
      if (a == null) {
        throw new IllegalArgumentException(
            "the model needs input '" + name + "', but a tokenizer provides only " + all.keySet());
      }
      feeds.put(name, a);
    }
    return feeds;
  }

  private static NDArray create(NDManager manager, long[][] rows) {
    return OwnedArrays.own(
        manager.create(
            flatten(rows), new Shape(rows.length, rows.length == 0 ? 0 : rows[0].length)));
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
