package dev.plora.engine.eval;

import java.util.List;

/**
 * Classification metrics.
 *
 * @param confusion {@code confusion[true][predicted]} counts
 * @param macroF1 the mean over labels of per-label F1 (0 for a label never predicted nor present)
 * @param mcc Matthews correlation, multi-class form (Gorodkin 2004); 0 when undefined
 */
public record Metrics(
    int examples,
    double accuracy,
    double macroF1,
    double mcc,
    List<String> labels,
    long[][] confusion) {

  public static Metrics of(int[] gold, int[] predicted, List<String> labels) {
    if (gold.length != predicted.length) {
      throw new IllegalArgumentException(
          "gold and predicted differ in length: " + gold.length + " vs " + predicted.length);
    }
    if (gold.length == 0) {
      throw new IllegalArgumentException("no examples to evaluate");
    }
    int k = labels.size();
    long[][] c = new long[k][k];
    for (int i = 0; i < gold.length; i++) {
      c[gold[i]][predicted[i]]++;
    }
    long n = gold.length;
    long correct = 0;
    long[] truth = new long[k];
    long[] pred = new long[k];
    for (int a = 0; a < k; a++) {
      correct += c[a][a];
      for (int b = 0; b < k; b++) {
        truth[a] += c[a][b];
        pred[b] += c[a][b];
      }
    }
    double f1 = 0;
    for (int a = 0; a < k; a++) {
      double precision = pred[a] == 0 ? 0 : c[a][a] / (double) pred[a];
      double recall = truth[a] == 0 ? 0 : c[a][a] / (double) truth[a];
      f1 += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
    double sumPt = 0;
    double sumP2 = 0;
    double sumT2 = 0;
    for (int a = 0; a < k; a++) {
      sumPt += (double) pred[a] * truth[a];
      sumP2 += (double) pred[a] * pred[a];
      sumT2 += (double) truth[a] * truth[a];
    }
    double denominator = Math.sqrt(((double) n * n - sumP2) * ((double) n * n - sumT2));
    double mcc = denominator == 0 ? 0 : (correct * (double) n - sumPt) / denominator;
    return new Metrics(gold.length, correct / (double) n, f1 / k, mcc, List.copyOf(labels), c);
  }
}
