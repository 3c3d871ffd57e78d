package dev.plora.engine.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link MallocTuningTest}: installs the malloc tuning (unless the property
 * turns it off), then on a thread of its own runs training steps of a six-layer MLP with MiniLM's
 * FFN shapes (forward, backward, every activation freed at the step's end: ~360 MB written per
 * step). Prints what mallopt took, and the process's minor page faults per step after four warm-up
 * steps against the pages the forward writes.
 */
public final class MallocTuningProbe {
  private static final int STEPS = 12;
  private static final int WARM_UP = 4;
  private static final int ROWS = 4096; // 64 x 64 tokens
  private static final int LAYERS = 6;

  private MallocTuningProbe() {}

  public static void main(String[] args) throws Exception {
    int accepted = MallocTuning.install();
    long[] faults = new long[2];
    Thread steps =
        new Thread(
            () -> {
              try (NDManager root = NDManager.newBaseManager()) {
                NDArray w1 = root.ones(new Shape(1536, 384)).mul(1e-3f);
                NDArray w2 = root.ones(new Shape(384, 1536)).mul(1e-3f);
                w1.setRequiresGradient(true);
                w2.setRequiresGradient(true);
                for (int s = 0; s < STEPS; s++) {
                  if (s == WARM_UP) {
                    faults[0] = minorFaults();
                  }
                  try (NDManager step = root.newSubManager();
                      GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray h = step.ones(new Shape(ROWS, 384));
                    for (int layer = 0; layer < LAYERS; layer++) {
                      var ex = h.getNDArrayInternal();
                      NDArray up = ex.linear(h, w1, null).singletonOrThrow();
                      NDArray down =
                          ex.linear(up.getNDArrayInternal().gelu(), w2, null).singletonOrThrow();
                      h = h.add(down);
                    }
                    gc.backward(h.sum());
                  }
                }
                faults[1] = minorFaults();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            "probe-steps");
    steps.start();
    steps.join();
    // Per layer the forward writes up and GELU [rows, 1536], down and the sum [rows, 384].
    long pagesPerStep = (long) LAYERS * ROWS * (2 * 1536 + 2 * 384) * Float.BYTES / 4096;
    System.out.println("accepted=" + accepted);
    System.out.println("faultsPerStep=" + (faults[1] - faults[0]) / (STEPS - WARM_UP));
    System.out.println("pagesPerStep=" + pagesPerStep);
  }

  /** Field 10 of /proc/self/stat, counted after the command name's closing parenthesis. */
  private static long minorFaults() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[7]);
  }
}
