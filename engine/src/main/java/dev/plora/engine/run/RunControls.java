package dev.plora.engine.run;

import dev.plora.engine.train.Progress;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How a caller follows and steers a long run: progress reports; a stop request, checked between
 * steps (training checkpoints and returns, to be resumed); an abort request, also checked between
 * steps (training returns at once and writes nothing more, because another attempt owns its
 * directory).
 */
public record RunControls(
    Consumer<Progress> progress, BooleanSupplier stop, BooleanSupplier abort) {
  public RunControls {
    progress = progress != null ? progress : p -> {};
    stop = stop != null ? stop : () -> false;
    abort = abort != null ? abort : () -> false;
  }

  public static RunControls none() {
    return new RunControls(null, null, null);
  }
}
