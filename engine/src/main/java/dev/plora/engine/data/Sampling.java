package dev.plora.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded sampling: epoch orders, stratified splits and few-shot subsets. */
public final class Sampling {
  private Sampling() {}

  /**
   * A permutation of {@code [0, n)} determined by (seed, epoch), so a resumed run sees the same
   * order.
   */
  public static int[] epochOrder(int n, long seed, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random r = new Random(seed * 1_000_003L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** A stratified split: {@code fraction} of each label's examples go to the second part. */
  public record Split(int[] first, int[] second) {}

  public static Split stratified(Dataset d, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("split fraction must be in (0, 1), got " + fraction);
    }
    List<Integer> a = new ArrayList<>();
    List<Integer> b = new ArrayList<>();
    Random r = new Random(seed);
    for (List<Integer> members : byLabel(d).values()) {
      List<Integer> shuffled = new ArrayList<>(members);
      java.util.Collections.shuffle(shuffled, r);
      int take = (int) Math.round(shuffled.size() * fraction);
      b.addAll(shuffled.subList(0, take));
      a.addAll(shuffled.subList(take, shuffled.size()));
    }
    return new Split(sorted(a), sorted(b));
  }

  /**
   * {@code k} examples of every label, chosen at random with {@code seed}; returns their indices in
   * the dataset (sorted). A label with fewer than {@code k} examples is an error.
   */
  public static int[] fewShot(Dataset d, int k, long seed) {
    if (k < 1) {
      throw new IllegalArgumentException("few-shot k must be >= 1, got " + k);
    }
    List<Integer> out = new ArrayList<>();
    Random r = new Random(seed);
    for (Map.Entry<String, List<Integer>> e : byLabel(d).entrySet()) {
      if (e.getValue().size() < k) {
        throw new DatasetException(
            d.source()
                + ": few-shot asks for "
                + k
                + " examples per label but label '"
                + e.getKey()
                + "' has only "
                + e.getValue().size());
      }
      List<Integer> shuffled = new ArrayList<>(e.getValue());
      java.util.Collections.shuffle(shuffled, r);
      out.addAll(shuffled.subList(0, k));
    }
    return sorted(out);
  }

  private static Map<String, List<Integer>> byLabel(Dataset d) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    for (int i = 0; i < d.size(); i++) {
      m.computeIfAbsent(d.get(i).label(), x -> new ArrayList<>()).add(i);
    }
    return new java.util.TreeMap<>(m);
  }

  private static int[] sorted(List<Integer> l) {
    int[] a = l.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
