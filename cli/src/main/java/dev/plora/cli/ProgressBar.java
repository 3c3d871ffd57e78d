package dev.plora.cli;

import dev.plora.engine.train.Progress;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Renders training progress: a redrawn bar on a terminal, or a plain line every 5% (and at the end)
 * when the output is a file or pipe.
 */
final class ProgressBar implements Consumer<Progress> {
  private static final int WIDTH = 28;
  private final PrintStream out;
  private final boolean terminal;
  private int lastPercent = -1;

  ProgressBar(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public void accept(Progress p) {
    show(
        p.step(),
        p.totalSteps(),
        String.format(
            "step %d/%d  epoch %d  loss %.4f  lr %.2e  %.1f ex/s  ETA %s",
            p.step(),
            p.totalSteps(),
            p.epoch(),
            p.loss(),
            p.learningRate(),
            p.examplesPerSecond(),
            eta(p.etaSeconds())));
  }

  /** Draws {@code step} of {@code total} with a line of statistics. */
  void show(long step, long total, String stats) {
    double fraction = step / (double) total;
    if (terminal) {
      int filled = (int) Math.round(fraction * WIDTH);
      out.print("\r[" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + stats + "   ");
      if (step == total) {
        out.println();
      }
      out.flush();
      return;
    }
    int percent = (int) Math.floor(fraction * 100);
    if (percent / 5 != lastPercent / 5 || step == total) {
      lastPercent = percent;
      out.println(stats);
      out.flush();
    }
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%02d:%02d", s / 60, s % 60);
  }
}
