package dev.plora.experiments.sweep;

import dev.plora.engine.base.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Writes a sweep's {@code results.csv} (one row per run), {@code report.md} (mean ± sample std over
 * seeds per strategy and density) and {@code lth-curve.png}: accuracy against the fraction of
 * dense-LoRA parameters kept, one series per strategy with error bars, dense LoRA as a line.
 */
public final class SweepReport {
  /**
   * Mean and sample standard deviation over seeds of one (strategy, budget) group.
   *
   * @param tau the τ whose budget the group has, or NaN
   * @param adapterParams mean adapter entries trained
   */
  public record Group(
      String strategy,
      double density,
      double tau,
      int runs,
      double adapterParams,
      double kept,
      double accuracy,
      double accuracyStd,
      double macroF1,
      double macroF1Std,
      double mcc,
      double mccStd) {
    /**
     * The budget in words: the τ it was matched to, the density asked for, or IMP's kept fraction.
     */
    public String budget() {
      if (!Double.isNaN(tau)) {
        return String.format(Locale.ROOT, "τ %.2f", tau);
      }
      return switch (strategy) {
        case "dense" -> "all";
        case "imp" -> String.format(Locale.ROOT, "%.1f%% kept", 100 * kept);
        default -> String.format(Locale.ROOT, "density %.4f", density);
      };
    }
  }

  private SweepReport() {}

  public static List<Group> groups(List<SweepRow> rows) {
    Map<String, List<SweepRow>> by = new LinkedHashMap<>();
    for (SweepRow r : rows) {
      // Runs matched to a τ group by τ (their densities differ a little per seed: partial-lora's
      // k_t
      // depends on its few-shot sample); IMP by round; uniform and dense by their requested
      // density.
      String key;
      if (!Double.isNaN(r.tau())) {
        key = r.strategy() + "@tau" + r.tau();
      } else if (r.strategy().equals("imp")) {
        key = "imp@" + Math.round(r.kept() * 1000);
      } else {
        key = r.strategy() + "@" + r.density();
      }
      by.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<Group> out = new ArrayList<>();
    for (List<SweepRow> g : by.values()) {
      double[] acc = g.stream().mapToDouble(SweepRow::accuracy).toArray();
      double[] f1 = g.stream().mapToDouble(SweepRow::macroF1).toArray();
      double[] mcc = g.stream().mapToDouble(SweepRow::mcc).toArray();
      double kept = g.stream().mapToDouble(SweepRow::kept).average().orElse(Double.NaN);
      double params = g.stream().mapToDouble(SweepRow::adapterParams).average().orElse(Double.NaN);
      double density = g.stream().mapToDouble(SweepRow::density).average().orElse(Double.NaN);
      out.add(
          new Group(
              g.get(0).strategy(),
              density,
              g.get(0).tau(),
              g.size(),
              params,
              kept,
              mean(acc),
              std(acc),
              mean(f1),
              std(f1),
              mean(mcc),
              std(mcc)));
    }
    return out;
  }

  public static void write(List<SweepRow> rows, Path out, String title) {
    try {
      AtomicFiles.write(
          out.resolve("results.csv"),
          o -> {
            PrintWriter w =
                new PrintWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
            w.println(
                "strategy,density,tau,seed,trainable_params,adapter_params,kept_fraction,accuracy,macro_f1,mcc,wall_seconds");
            for (SweepRow r : rows) {
              w.printf(
                  Locale.ROOT,
                  "%s,%.6f,%s,%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.1f%n",
                  r.strategy(),
                  r.density(),
                  Double.isNaN(r.tau()) ? "" : String.format(Locale.ROOT, "%.2f", r.tau()),
                  r.seed(),
                  r.trainableParams(),
                  r.adapterParams(),
                  r.kept(),
                  r.accuracy(),
                  r.macroF1(),
                  r.mcc(),
                  r.wallSeconds());
            }
            w.flush();
          });
      List<Group> groups = groups(rows);
      AtomicFiles.write(
          out.resolve("report.md"),
          o -> {
            PrintWriter w =
                new PrintWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
            w.println("# " + title);
            w.println();
            w.println(
                "Mean ± sample standard deviation over seeds (n = runs). Adapter parameters exclude the head;");
            w.println("the percentage is of dense LoRA's adapter parameters at the sweep's rank.");
            w.println();
            w.println(
                "| method | budget | adapter params | % of dense LoRA | n | accuracy | macro-F1 | MCC |");
            w.println("|---|---|---|---|---|---|---|---|");
            for (Group g : groups) {
              w.printf(
                  Locale.ROOT,
                  "| %s | %s | %,.0f | %.1f%% | %d | %.3f ± %.3f | %.3f ± %.3f | %.3f ± %.3f |%n",
                  g.strategy(),
                  g.budget(),
                  g.adapterParams(),
                  100 * g.kept(),
                  g.runs(),
                  g.accuracy(),
                  g.accuracyStd(),
                  g.macroF1(),
                  g.macroF1Std(),
                  g.mcc(),
                  g.mccStd());
            }
            frontier(groups, w);
            w.flush();
          });
      curve(groups, out.resolve("lth-curve.png"), title);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the sweep report to " + out + ": " + e.getMessage(), e);
    }
  }

  /**
   * Partial-LoRA at each τ against dense LoRA and the controls with the same budget: differences of
   * the mean accuracies, in points (percentage points of accuracy).
   */
  static void frontier(List<Group> groups, PrintWriter w) {
    Group dense =
        groups.stream().filter(g -> g.strategy().equals("dense")).findFirst().orElse(null);
    List<Group> partial =
        groups.stream()
            .filter(g -> g.strategy().equals("partial-lora") && !Double.isNaN(g.tau()))
            .toList();
    if (partial.isEmpty()) {
      return;
    }
    w.println();
    w.println("## Partial-LoRA against dense LoRA and equal-budget controls");
    w.println();
    w.println(
        "Differences of mean accuracy in points (Partial-LoRA minus the other); `–` where that run is absent.");
    w.println();
    w.println(
        "| τ | % of dense LoRA | fewer parameters | accuracy | vs dense | vs uniform | vs shuffled | vs low-rank |");
    w.println("|---|---|---|---|---|---|---|---|");
    for (Group p : partial) {
      w.printf(
          Locale.ROOT,
          "| %.2f | %.1f%% | %.1f%% | %.3f | %s | %s | %s | %s |%n",
          p.tau(),
          100 * p.kept(),
          100 * (1 - p.kept()),
          p.accuracy(),
          diff(p, dense),
          diff(p, atTau(groups, "uniform", p.tau())),
          diff(p, atTau(groups, "shuffled", p.tau())),
          diff(p, atTau(groups, "low-rank", p.tau())));
    }
  }

  private static Group atTau(List<Group> groups, String strategy, double tau) {
    return groups.stream()
        .filter(g -> g.strategy().equals(strategy) && g.tau() == tau)
        .findFirst()
        .orElse(null);
  }

  private static String diff(Group a, Group b) {
    return b == null
        ? "–"
        : String.format(Locale.ROOT, "%+.1f", 100 * (a.accuracy() - b.accuracy()));
  }

  static void curve(List<Group> groups, Path png, String title) throws IOException {
    System.setProperty("java.awt.headless", "true");
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    Map<String, YIntervalSeries> series = new LinkedHashMap<>();
    Double dense = null;
    for (Group g : groups) {
      if (g.strategy().equals("dense")) {
        dense = g.accuracy();
      }
      YIntervalSeries s = series.computeIfAbsent(g.strategy(), YIntervalSeries::new);
      s.add(g.kept(), g.accuracy(), g.accuracy() - g.accuracyStd(), g.accuracy() + g.accuracyStd());
    }
    series.values().forEach(data::addSeries);
    NumberAxis x = new NumberAxis("adapter parameters, fraction of dense LoRA's");
    x.setRange(0, 1.05);
    x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
    NumberAxis y = new NumberAxis("accuracy");
    y.setAutoRangeIncludesZero(false);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDefaultLinesVisible(true);
    renderer.setDefaultShapesVisible(true);
    renderer.setDrawXError(false);
    Color[] palette = {
      new Color(0x1f77b4),
      new Color(0xd62728),
      new Color(0x2ca02c),
      new Color(0x9467bd),
      new Color(0xff7f0e),
      new Color(0x8c564b)
    };
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesPaint(i, palette[i % palette.length]);
      renderer.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    if (dense != null) {
      ValueMarker line =
          new ValueMarker(
              dense,
              Color.DARK_GRAY,
              new BasicStroke(
                  1.5f,
                  BasicStroke.CAP_BUTT,
                  BasicStroke.JOIN_MITER,
                  10f,
                  new float[] {6f, 4f},
                  0f));
      line.setLabel("dense LoRA");
      line.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
      line.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
      plot.addRangeMarker(line);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    AtomicFiles.write(png, o -> ChartUtils.writeChartAsPNG(o, chart, 900, 560));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double std(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }
}
