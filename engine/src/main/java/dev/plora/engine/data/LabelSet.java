package dev.plora.engine.data;

import java.util.List;
import java.util.TreeSet;

/**
 * The task's labels, taken from the training data and sorted, so the same training set always gives
 * the same label order. An example whose label is not in the set is an error naming its line.
 */
public record LabelSet(List<String> labels) {
  public LabelSet {
    labels = List.copyOf(labels);
    if (labels.size() < 2) {
      throw new DatasetException("a classification task needs at least 2 labels, got " + labels);
    }
  }

  public static LabelSet of(Dataset training) {
    TreeSet<String> set = new TreeSet<>();
    training.examples().forEach(e -> set.add(e.label()));
    if (set.size() < 2) {
      throw new DatasetException(
          training.source()
              + ": the training data has only the label(s) "
              + set
              + "; a classifier needs at least 2");
    }
    return new LabelSet(List.copyOf(set));
  }

  public int size() {
    return labels.size();
  }

  public int index(Example e, Dataset from) {
    int i = labels.indexOf(e.label());
    if (i < 0) {
      throw new DatasetException(
          from.where(e)
              + ": label '"
              + e.label()
              + "' is not one of the training labels "
              + labels);
    }
    return i;
  }

  /** Label indices of every example of a dataset (checked). */
  public int[] indices(Dataset d) {
    int[] out = new int[d.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = index(d.get(i), d);
    }
    return out;
  }
}
