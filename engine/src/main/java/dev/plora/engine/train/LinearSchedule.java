package dev.plora.engine.train;

/**
 * Linear warmup from 0 to the peak over {@code warmup} steps, then linear decay to 0 at {@code
 * total}.
 */
public record LinearSchedule(double peak, int warmup, int total) {
  public static LinearSchedule of(double peak, double warmupRatio, int total) {
    return new LinearSchedule(peak, (int) Math.ceil(warmupRatio * total), total);
  }

  /** The learning rate of 1-based step {@code step}. */
  public double at(int step) {
    if (warmup > 0 && step <= warmup) {
      return peak * step / warmup;
    }
    return peak * Math.max(0, total - step) / Math.max(1, total - warmup);
  }
}
