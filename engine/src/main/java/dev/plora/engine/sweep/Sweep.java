package dev.plora.engine.sweep;

import dev.plora.engine.data.TextFields;
import dev.plora.engine.lora.LoraConfig;
import dev.plora.engine.mask.DiscoverRun;
import dev.plora.engine.mask.Imp;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.train.RunConfig;
import dev.plora.engine.train.RunMetrics;
import dev.plora.engine.train.TrainConfig;
import dev.plora.engine.train.TrainRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a sweep: discovers each plan, trains and evaluates each combination under
 * {@code out/runs/<strategy>-d<density>-s<seed>/}, skipping combinations whose run already finished
 * and resuming unfinished ones, so an interrupted sweep continues where it stopped. IMP contributes
 * one row per round (each round trains at the previous round's survivors).
 */
public final class Sweep {
  private Sweep() {}

  public static List<SweepRow> execute(SweepConfig c, Path out, Consumer<String> log) {
    List<SweepRow> rows = new ArrayList<>();
    for (long seed : c.seeds()) {
      MaskPlan reference = null;
      Path referenceDir = out.resolve("plans").resolve("partial-lora-s" + seed);
      boolean needsReference = c.strategies().stream().anyMatch(s -> s.equals("partial-lora") || s.equals("shuffled") || s.equals("low-rank"));
      if (needsReference) {
        reference = discover(c, "partial-lora", seed, null, referenceDir, log);
      }
      for (String strategy : c.strategies()) {
        switch (strategy) {
          case "dense":
            rows.add(train(c, "dense", 1.0, seed, null, 1.0, out, log));
            break;
          case "uniform":
            for (double d : c.densities()) {
              rows.add(train(c, "uniform", d, seed, null, d, out, log));
            }
            break;
          case "partial-lora":
            rows.add(train(c, strategy, 1 - reference.reduction(), seed, referenceDir, 1 - reference.reduction(), out, log));
            break;
          case "shuffled":
          case "low-rank": {
            Path dir = out.resolve("plans").resolve(strategy + "-s" + seed);
            MaskPlan plan = discover(c, strategy, seed, referenceDir, dir, log);
            double kept = plan.adapterParams() / (double) reference.denseLoraParams();
            rows.add(train(c, strategy, kept, seed, dir, kept, out, log));
            break;
          }
          default: // imp
            rows.addAll(imp(c, seed, out, log));
        }
      }
    }
    return rows;
  }

  private static List<SweepRow> imp(SweepConfig c, long seed, Path out, Consumer<String> log) {
    Path dir = out.resolve("plans").resolve("imp-s" + seed);
    if (!Files.isRegularFile(dir.resolve(MaskPlan.PLAN))) {
      discover(c, "imp", seed, null, dir, log);
    }
    List<SweepRow> rows = new ArrayList<>();
    for (int round = 1; round <= c.rounds(); round++) {
      Path r = dir.resolve("round-" + round);
      try {
        JsonNode plan = new ObjectMapper().readTree(r.resolve(MaskPlan.PLAN).toFile());
        JsonNode m = new ObjectMapper().readTree(r.resolve("metrics.json").toFile());
        double kept = plan.path("adapter_params").asDouble() / plan.path("dense_lora_params").asDouble();
        rows.add(new SweepRow("imp", kept, seed, plan.path("adapter_params").asLong(), kept, m.path("accuracy").asDouble(),
            m.path("macro_f1").asDouble(), m.path("mcc").asDouble(), Double.NaN, r.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read IMP round " + round + " in " + dir + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  private static MaskPlan discover(SweepConfig c, String strategy, long seed, Path from, Path dir,
      Consumer<String> log) {
    log.accept("discover " + strategy + " seed " + seed + " -> " + dir);
    DiscoverRun.Config dc = new DiscoverRun.Config(strategy, c.model(), c.tokenizer() == null ? null : Path.of(c.tokenizer()),
        List.of(Path.of(c.train())), TextFields.DEFAULT, c.rank(), LoraConfig.DEFAULT_TARGETS, c.tau(), c.fewShot(), null,
        null, from, seed, c.maxLength(), c.alpha(),
        strategy.equals("imp") ? new Imp.Params(c.rounds(), c.prune(), false, 0) : null,
        strategy.equals("imp") ? training(c, seed) : null, c.eval() == null ? null : Path.of(c.eval()));
    return DiscoverRun.execute(dc, dir);
  }

  private static TrainConfig training(SweepConfig c, long seed) {
    return TrainConfig.of(c.epochs(), c.batchSize(), c.learningRate(), seed, 0);
  }

  private static SweepRow train(SweepConfig c, String strategy, double density, long seed, Path planDir, double kept,
      Path out, Consumer<String> log) {
    String name = String.format("%s-d%.4f-s%d", strategy, density, seed);
    Path run = out.resolve("runs").resolve(name);
    RunMetrics m;
    if (Files.isRegularFile(run.resolve(TrainRun.METRICS))) {
      log.accept("done already: " + name);
      m = read(run);
    } else {
      log.accept("train " + name);
      int rank = planDir == null ? c.rank() : MaskPlan.rankOf(planDir);
      RunConfig rc = new RunConfig(RunConfig.FORMAT, RunConfig.VERSION, c.model(), c.tokenizer(), c.train(), c.eval(),
          "text", "text_pair", "label", null, rank, c.alpha(), 0, LoraConfig.DEFAULT_TARGETS, null,
          planDir == null ? density : 1.0, planDir == null ? null : planDir.resolve(MaskPlan.MASKS).toString(), seed,
          "mean", c.maxLength(), c.epochs(), c.batchSize(), c.learningRate(),
          TrainConfig.DEFAULT_WEIGHT_DECAY, TrainConfig.DEFAULT_WARMUP_RATIO, TrainConfig.DEFAULT_MAX_GRAD_NORM, seed, 0,
          c.sparseLrScaling(), "auto");
      boolean unfinished = Files.isDirectory(run.resolve(TrainRun.CHECKPOINTS));
      m = TrainRun.execute(rc, run, unfinished, p -> { }, () -> false).metrics();
    }
    double actualKept = strategy.equals("low-rank") ? kept : m.adapterParams() / (double) m.denseLoraParams();
    return new SweepRow(strategy, density, seed, m.trainableParams(), actualKept, m.accuracy(), m.macroF1(), m.mcc(),
        m.wallSeconds(), run.toString());
  }

  private static RunMetrics read(Path run) {
    try {
      return new ObjectMapper().setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
          .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .readValue(run.resolve(TrainRun.METRICS).toFile(), RunMetrics.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + run.resolve(TrainRun.METRICS) + ": " + e.getMessage(), e);
    }
  }
}
