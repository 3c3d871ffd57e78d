package dev.plora.engine.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Runs a parser over mutants of valid seed inputs, a fixed number of times, and fails when it
 * throws anything but its clean error: the parser must either accept a mutant or refuse it with the
 * plora exception its callers handle. A {@code NegativeArraySizeException}, an {@code
 * OutOfMemoryError}, an index out of bounds or a library's own exception leaking out is a bug.
 *
 * <p>Deterministic: iteration {@code i} of a run with seed {@code s} always builds the same mutant,
 * so a failure reports both and is reproduced with {@code -Dplora.fuzz.seed=s -Dplora.fuzz.only=i};
 * the failing mutant is also written under {@code target/fuzz-failures}. {@code
 * -Dplora.fuzz.iterations=n} runs longer (or shorter) than a target's budget.
 */
public final class FuzzHarness {
  /** The seed CI runs with, so that every build tries the same mutants. */
  public static final long DEFAULT_SEED = 20_240_611L;

  private static final int FAILURES_SHOWN = 10;

  /** A parser under test; any throwable it throws is judged by the target's clean predicate. */
  @FunctionalInterface
  public interface Target {
    void parse(byte[] input) throws Exception;
  }

  /** What a run did: mutants accepted and cleanly refused, and how long it took. */
  public record Report(
      String target, long seed, int iterations, int accepted, int refused, long ms) {
    @Override
    public String toString() {
      return String.format(
          "fuzz %s: %d mutants (seed %d) in %d ms: %d accepted, %d refused cleanly",
          target, iterations, seed, ms, accepted, refused);
    }
  }

  private FuzzHarness() {}

  /**
   * Fuzzes {@code target} for {@code iterations} mutants of {@code seeds}.
   *
   * @param name the target's name, for reports and failure files
   * @param clean which throwables are the parser's clean refusals
   * @throws AssertionError listing every other throwable with its seed and iteration
   */
  public static Report run(
      String name,
      List<byte[]> seeds,
      Mutator mutator,
      int iterations,
      Predicate<Throwable> clean,
      Target target) {
    checkSeeds(name, seeds, target);
    long seed = Long.getLong("plora.fuzz.seed", DEFAULT_SEED);
    int budget = Integer.getInteger("plora.fuzz.iterations", iterations);
    Integer only = Integer.getInteger("plora.fuzz.only");
    int ran = 0;
    int accepted = 0;
    int refused = 0;
    // Distinct failures by kind and place, each with the first iteration that showed it.
    Map<String, String> failures = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    for (int i = only == null ? 0 : only; i < (only == null ? budget : only + 1); i++) {
      byte[] input = mutant(seeds, mutator, seed, i);
      ran++;
      try {
        target.parse(input);
        accepted++;
      } catch (Throwable t) {
        if (clean.test(t)) {
          refused++;
        } else {
          String key = t.getClass().getName() + " at " + firstFrame(t);
          if (!failures.containsKey(key)) {
            failures.put(key, describe(name, seed, i, input, t));
          }
        }
      }
    }
    Report report =
        new Report(name, seed, ran, accepted, refused, (System.nanoTime() - t0) / 1_000_000);
    System.out.println(report);
    if (!failures.isEmpty()) {
      List<String> shown = new ArrayList<>(failures.values());
      throw new AssertionError(
          "fuzz "
              + name
              + ": "
              + failures.size()
              + " kind(s) of crash other than a clean plora error:\n\n"
              + String.join("\n\n", shown.subList(0, Math.min(shown.size(), FAILURES_SHOWN))));
    }
    return report;
  }

  /** Every seed input must be accepted: mutants of an input already refused test little. */
  private static void checkSeeds(String name, List<byte[]> seeds, Target target) {
    for (int k = 0; k < seeds.size(); k++) {
      try {
        target.parse(seeds.get(k));
      } catch (Throwable t) {
        throw new AssertionError("fuzz " + name + ": seed input " + k + " is not accepted", t);
      }
    }
  }

  /** The mutant of iteration {@code i}: one seed input, mutated by an iteration-own random. */
  public static byte[] mutant(List<byte[]> seeds, Mutator mutator, long seed, int i) {
    Random random = new Random(seed * 1_000_003L + i);
    return mutator.mutate(seeds.get(random.nextInt(seeds.size())), random);
  }

  private static String firstFrame(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return st.length == 0 ? "?" : st[0].toString();
  }

  private static String describe(String name, long seed, int i, byte[] input, Throwable t) {
    String saved = save(name, seed, i, input);
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    String[] lines = trace.toString().split("\n");
    StringBuilder b = new StringBuilder();
    b.append("seed ")
        .append(seed)
        .append(", iteration ")
        .append(i)
        .append(" (rerun with -Dplora.fuzz.seed=")
        .append(seed)
        .append(" -Dplora.fuzz.only=")
        .append(i)
        .append("; input ")
        .append(saved)
        .append("):\n");
    for (int k = 0; k < Math.min(lines.length, 12); k++) {
      b.append("  ").append(lines[k]).append('\n');
    }
    return b.toString();
  }

  private static String save(String name, long seed, int i, byte[] input) {
    try {
      Path dir = Path.of("target", "fuzz-failures");
      Files.createDirectories(dir);
      Path file = dir.resolve(name + "-" + seed + "-" + i + ".bin");
      Files.write(file, input);
      return file.toAbsolutePath().toString();
    } catch (IOException e) {
      return "(not saved: " + e.getMessage() + ")";
    }
  }
}
