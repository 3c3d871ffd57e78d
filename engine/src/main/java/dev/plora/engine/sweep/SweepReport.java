package dev.plora.engine.sweep;

import dev.plora.engine.io.AtomicFiles;
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
  /** Mean and sample standard deviation over seeds of one (strategy, density) group. */
  public record Group(String strategy, double density, int runs, double kept, double accuracy, double accuracyStd,
      double macroF1, double macroF1Std, double mcc, double mccStd) {}

  private SweepReport() {}

  public static List<Group> groups(List<SweepRow> rows) {
    Map<String, List<SweepRow>> by = new LinkedHashMap<>();
    for (SweepRow r : rows) {
      // Uniform and dense have a requested density; the plan-derived strategies differ a little per seed
      // (partial-lora's k_t depends on its few-shot sample), so they group by strategy; IMP by round.
      String key;
      switch (r.strategy()) {
        case "imp": key = "imp@" + Math.round(r.kept() * 1000); break;
        case "partial-lora": case "shuffled": case "low-rank": key = r.strategy(); break;
        default: key = r.strategy() + "@" + r.density();
      }
      by.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    List<Group> out = new ArrayList<>();
    for (List<SweepRow> g : by.values()) {
      double[] acc = g.stream().mapToDouble(SweepRow::accuracy).toArray();
      double[] f1 = g.stream().mapToDouble(SweepRow::macroF1).toArray();
      double[] mcc = g.stream().mapToDouble(SweepRow::mcc).toArray();
      double kept = g.stream().mapToDouble(SweepRow::kept).average().orElse(Double.NaN);
      double density = g.stream().mapToDouble(SweepRow::density).average().orElse(Double.NaN);
      out.add(new Group(g.get(0).strategy(), density, g.size(), kept, mean(acc), std(acc), mean(f1), std(f1),
          mean(mcc), std(mcc)));
    }
    return out;
  }

  public static void write(List<SweepRow> rows, Path out, String title) {
    try {
      AtomicFiles.write(out.resolve("results.csv"), o -> {
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
        w.println("strategy,density,seed,trainable_params,kept_fraction,accuracy,macro_f1,mcc,wall_seconds");
        for (SweepRow r : rows) {
          w.printf(Locale.ROOT, "%s,%.6f,%d,%d,%.6f,%.6f,%.6f,%.6f,%.1f%n", r.strategy(), r.density(), r.seed(),
              r.trainableParams(), r.kept(), r.accuracy(), r.macroF1(), r.mcc(), r.wallSeconds());
        }
        w.flush();
      });
      List<Group> groups = groups(rows);
      AtomicFiles.write(out.resolve("report.md"), o -> {
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
        w.println("# " + title);
        w.println();
        w.println("Mean ± sample standard deviation over seeds (n = runs).");
        w.println();
        w.println("| strategy | density | kept of dense LoRA | n | accuracy | macro-F1 | MCC |");
        w.println("|---|---|---|---|---|---|---|");
        for (Group g : groups) {
          w.printf(Locale.ROOT, "| %s | %.4f | %.3f | %d | %.3f ± %.3f | %.3f ± %.3f | %.3f ± %.3f |%n", g.strategy(),
              g.density(), g.kept(), g.runs(), g.accuracy(), g.accuracyStd(), g.macroF1(), g.macroF1Std(), g.mcc(), g.mccStd());
        }
        w.flush();
      });
      curve(groups, out.resolve("lth-curve.png"), title);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sweep report to " + out + ": " + e.getMessage(), e);
    }
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
    NumberAxis x = new NumberAxis("fraction of dense-LoRA adapter parameters kept");
    x.setRange(0, 1.05);
    x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
    NumberAxis y = new NumberAxis("accuracy");
    y.setAutoRangeIncludesZero(false);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDefaultLinesVisible(true);
    renderer.setDefaultShapesVisible(true);
    renderer.setDrawXError(false);
    Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesPaint(i, palette[i % palette.length]);
      renderer.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    if (dense != null) {
      ValueMarker line = new ValueMarker(dense, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
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
