package dev.plora.engine.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random token batches with right-padding (mask 0, id 0) of random length per row, seeded. */
public final class RandomTokens {
  private RandomTokens() {}

  public static Map<String, NDArray> batch(NDManager m, Random r, int batch, int seq, int vocab) {
    long[] ids = new long[batch * seq];
    long[] mask = new long[batch * seq];
    long[] types = new long[batch * seq];
    for (int b = 0; b < batch; b++) {
      int len =
          b == 0
              ? seq
              : 1 + r.nextInt(seq); // the first row is full, so the batch is as long as seq
      int secondSegment = 1 + r.nextInt(len);
      for (int t = 0; t < seq; t++) {
        int i = b * seq + t;
        if (t < len) {
          ids[i] = 1 + r.nextInt(vocab - 1);
          mask[i] = 1;
          types[i] = t >= secondSegment ? 1 : 0;
        }
      }
    }
    Map<String, NDArray> feeds = new LinkedHashMap<>();
    feeds.put("input_ids", m.create(ids, new Shape(batch, seq)));
    feeds.put("attention_mask", m.create(mask, new Shape(batch, seq)));
    feeds.put("token_type_ids", m.create(types, new Shape(batch, seq)));
    return feeds;
  }
}
