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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      // One Partial-LoRA plan per τ: the method itself, and the budget its controls are matched to.
      Map<Double, MaskPlan> tauPlans = new LinkedHashMap<>();
      if (c.needsTauPlans()) {
        for (double tau : c.taus()) {
          tauPlans.put(tau, discover(c, "partial-lora", seed, tau, null, tauPlanDir(out, tau, seed), log));
        }
      }
      for (String strategy : c.strategies()) {
        switch (strategy) {
          case "dense":
            rows.add(train(c, "dense", 1.0, Double.NaN, seed, null, out, "dense-s" + seed, log));
            break;
          case "uniform":
            for (double d : c.densities()) {
              rows.add(train(c, "uniform", d, Double.NaN, seed, null, out, String.format("uniform-d%.4f-s%d", d, seed), log));
            }
            if (c.uniformAtTaus()) {
              for (Map.Entry<Double, MaskPlan> e : tauPlans.entrySet()) {
                double d = 1 - e.getValue().reduction();
                rows.add(train(c, "uniform", d, e.getKey(), seed, null, out, String.format("uniform-d%.4f-s%d", d, seed), log));
              }
            }
            break;
          case "partial-lora":
            for (Map.Entry<Double, MaskPlan> e : tauPlans.entrySet()) {
              rows.add(train(c, strategy, 1 - e.getValue().reduction(), e.getKey(), seed, tauPlanDir(out, e.getKey(), seed),
                  out, String.format("partial-lora-t%.2f-s%d", e.getKey(), seed), log));
            }
            break;
          case "shuffled":
          case "low-rank":
            for (double tau : tauPlans.keySet()) {
              Path dir = out.resolve("plans").resolve(String.format("%s-t%.2f-s%d", strategy, tau, seed));
              MaskPlan plan = discover(c, strategy, seed, tau, tauPlanDir(out, tau, seed), dir, log);
              // Low-rank controls of several τ often share a rank: one run per rank serves them all.
              String name = strategy.equals("low-rank") ? String.format("low-rank-r%d-s%d", plan.rank(), seed)
                  : String.format("shuffled-t%.2f-s%d", tau, seed);
              double kept = plan.adapterParams() / (double) tauPlans.get(tau).denseLoraParams();
              rows.add(train(c, strategy, kept, tau, seed, dir, out, name, log));
            }
            break;
          default: // imp
            rows.addAll(imp(c, seed, out, log));
        }
      }
    }
    return rows;
  }

  private static Path tauPlanDir(Path out, double tau, long seed) {
    return out.resolve("plans").resolve(String.format("partial-lora-t%.2f-s%d", tau, seed));
  }

  private static List<SweepRow> imp(SweepConfig c, long seed, Path out, Consumer<String> log) {
    Path dir = out.resolve("plans").resolve("imp-s" + seed);
    if (!Files.isRegularFile(dir.resolve(MaskPlan.PLAN))) {
      discover(c, "imp", seed, c.taus().get(0), null, dir, log);
    }
    List<SweepRow> rows = new ArrayList<>();
    for (int round = 1; round <= c.rounds(); round++) {
      Path r = dir.resolve("round-" + round);
      try {
        JsonNode plan = new ObjectMapper().readTree(r.resolve(MaskPlan.PLAN).toFile());
        JsonNode m = new ObjectMapper().readTree(r.resolve("metrics.json").toFile());
        double kept = plan.path("adapter_params").asDouble() / plan.path("dense_lora_params").asDouble();
        rows.add(new SweepRow("imp", kept, Double.NaN, seed, m.path("trainable_params").asLong(),
            plan.path("adapter_params").asLong(), kept, m.path("accuracy").asDouble(), m.path("macro_f1").asDouble(),
            m.path("mcc").asDouble(), m.path("wall_seconds").asDouble(Double.NaN), r.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read IMP round " + round + " in " + dir + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  private static MaskPlan discover(SweepConfig c, String strategy, long seed, double tau, Path from, Path dir,
      Consumer<String> log) {
    log.accept("discover " + strategy + " seed " + seed + " -> " + dir);
    DiscoverRun.Config dc = new DiscoverRun.Config(strategy, c.model(), c.tokenizer() == null ? null : Path.of(c.tokenizer()),
        List.of(Path.of(c.train())), TextFields.DEFAULT, c.rank(), LoraConfig.DEFAULT_TARGETS, tau, c.fewShot(), null,
        null, from, seed, c.maxLength(), c.alpha(),
        strategy.equals("imp") ? new Imp.Params(c.rounds(), c.prune(), false, 0) : null,
        strategy.equals("imp") ? training(c, seed) : null, c.eval() == null ? null : Path.of(c.eval()));
    return DiscoverRun.execute(dc, dir);
  }

  private static TrainConfig training(SweepConfig c, long seed) {
    return TrainConfig.of(c.epochs(), c.batchSize(), c.learningRate(), seed, 0);
  }

  private static SweepRow train(SweepConfig c, String strategy, double density, double tau, long seed, Path planDir,
      Path out, String name, Consumer<String> log) {
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
    // Kept against dense LoRA at the sweep's rank (a low-rank run's own dense LoRA has its smaller rank).
    long denseAtSweepRank = m.denseLoraParams() / (planDir == null ? c.rank() : MaskPlan.rankOf(planDir)) * c.rank();
    return new SweepRow(strategy, density, tau, seed, m.trainableParams(), m.adapterParams(),
        m.adapterParams() / (double) denseAtSweepRank, m.accuracy(), m.macroF1(), m.mcc(), m.wallSeconds(), run.toString());
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
