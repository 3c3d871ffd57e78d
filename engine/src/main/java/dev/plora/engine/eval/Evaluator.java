package dev.plora.engine.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.plora.engine.data.Dataset;
import dev.plora.engine.data.Example;
import dev.plora.engine.data.LabelSet;
import dev.plora.engine.data.TextTokenizer;
import dev.plora.engine.lora.AdaptedModel;
import java.util.ArrayList;
import java.util.List;

/** Runs an adapted model over a labelled dataset and scores its predictions. */
public final class Evaluator {
  private Evaluator() {}

  /** Predicted label indices for every example, in order. */
  public static int[] predict(
      AdaptedModel model, TextTokenizer tokenizer, Dataset data, int batchSize) {
    int[] out = new int[data.size()];
    model.setTraining(false);
    for (int from = 0; from < data.size(); from += batchSize) {
      int to = Math.min(data.size(), from + batchSize);
      List<String> texts = new ArrayList<>();
      List<String> pairs = new ArrayList<>();
      for (int i = from; i < to; i++) {
        Example e = data.get(i);
        texts.add(e.text());
        pairs.add(e.textPair());
      }
      try (NDManager m = model.manager().newSubManager()) {
        NDArray logits = model.logits(m, tokenizer.encode(texts, pairs));
        long[] argmax = logits.argMax(1).toLongArray();
        for (int i = 0; i < argmax.length; i++) {
          out[from + i] = (int) argmax[i];
        }
      }
    }
    return out;
  }

  public static Metrics evaluate(
      AdaptedModel model, TextTokenizer tokenizer, Dataset data, LabelSet labels, int batchSize) {
    int[] gold = labels.indices(data);
    return Metrics.of(gold, predict(model, tokenizer, data, batchSize), labels.labels());
  }
}
