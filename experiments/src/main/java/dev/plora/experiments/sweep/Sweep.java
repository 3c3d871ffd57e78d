package dev.plora.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plora.engine.base.Json;
import dev.plora.engine.config.DiscoverConfig;
import dev.plora.engine.config.MaskSource;
import dev.plora.engine.config.RunConfig;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.mask.PlanRef;
import dev.plora.engine.run.DiscoverRun;
import dev.plora.engine.run.RunMetrics;
import dev.plora.engine.run.TrainRun;
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
 * Runs a sweep: discovers each plan, trains and evaluates each combination under {@code
 * out/runs/<strategy>-d<density>-s<seed>/}, skipping combinations whose run already finished and
 * resuming unfinished ones, so an interrupted sweep continues where it stopped. IMP contributes one
 * row per round (each round trains at the previous round's survivors).
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
          tauPlans.put(
              tau, discover(c, "partial-lora", seed, tau, null, tauPlanDir(out, tau, seed), log));
        }
      }
      for (String strategy : c.strategies()) {
        switch (strategy) {
          case "dense":
            rows.add(train(c, "dense", 1.0, Double.NaN, seed, null, out, "dense-s" + seed, log));
            break;
          case "uniform":
            for (double d : c.densities()) {
              rows.add(
                  train(
                      c,
                      "uniform",
                      d,
                      Double.NaN,
                      seed,
                      null,
                      out,
                      String.format("uniform-d%.4f-s%d", d, seed),
                      log));
            }
            if (c.uniformAtTaus()) {
              for (Map.Entry<Double, MaskPlan> e : tauPlans.entrySet()) {
                double d = 1 - e.getValue().reduction();
                rows.add(
                    train(
                        c,
                        "uniform",
                        d,
                        e.getKey(),
                        seed,
                        null,
                        out,
                        String.format("uniform-d%.4f-s%d", d, seed),
                        log));
              }
            }
            break;
          case "partial-lora":
            for (Map.Entry<Double, MaskPlan> e : tauPlans.entrySet()) {
              rows.add(
                  train(
                      c,
                      strategy,
                      1 - e.getValue().reduction(),
                      e.getKey(),
                      seed,
                      tauPlanDir(out, e.getKey(), seed),
                      out,
                      String.format("partial-lora-t%.2f-s%d", e.getKey(), seed),
                      log));
            }
            break;
          case "shuffled":
          case "low-rank":
            for (double tau : tauPlans.keySet()) {
              Path dir =
                  out.resolve("plans").resolve(String.format("%s-t%.2f-s%d", strategy, tau, seed));
              MaskPlan plan =
                  discover(c, strategy, seed, tau, tauPlanDir(out, tau, seed), dir, log);
              // Low-rank controls of several τ often share a rank: one run per rank serves them
              // all.
              String name =
                  strategy.equals("low-rank")
                      ? String.format("low-rank-r%d-s%d", plan.rank(), seed)
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
    for (int round = 1; round <= c.strategy().rounds(); round++) {
      Path r = dir.resolve("round-" + round);
      try {
        JsonNode plan = Json.MAPPER.readTree(r.resolve(MaskPlan.PLAN).toFile());
        JsonNode m = Json.MAPPER.readTree(r.resolve("metrics.json").toFile());
        double kept =
            plan.path("adapter_params").asDouble() / plan.path("dense_lora_params").asDouble();
        rows.add(
            new SweepRow(
                "imp",
                kept,
                Double.NaN,
                seed,
                m.path("trainable_params").asLong(),
                plan.path("adapter_params").asLong(),
                kept,
                m.path("accuracy").asDouble(),
                m.path("macro_f1").asDouble(),
                m.path("mcc").asDouble(),
                m.path("wall_seconds").asDouble(Double.NaN),
                r.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read IMP round " + round + " in " + dir + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  private static MaskPlan discover(
      SweepConfig c,
      String strategy,
      long seed,
      double tau,
      Path from,
      Path dir,
      Consumer<String> log) {
    log.accept("discover " + strategy + " seed " + seed + " -> " + dir);
    RunConfig b = c.base();
    DiscoverConfig dc =
        new DiscoverConfig(
            b.model(),
            b.data(),
            b.lora(),
            c.strategy().toBuilder().name(strategy).tau(tau).reference(from).build(),
            b.training().toBuilder().seed(seed).build());
    return DiscoverRun.execute(dc, dir);
  }

  private static SweepRow train(
      SweepConfig c,
      String strategy,
      double density,
      double tau,
      long seed,
      Path planDir,
      Path out,
      String name,
      Consumer<String> log) {
    Path run = out.resolve("runs").resolve(name);
    RunMetrics m;
    int rank = c.rank();
    if (Files.isRegularFile(run.resolve(TrainRun.METRICS))) {
      log.accept("done already: " + name);
      m = read(run);
      rank = planDir == null ? rank : PlanRef.of(planDir).rank(null, rank);
    } else {
      log.accept("train " + name);
      RunConfig b = c.base();
      MaskSource masks;
      if (planDir == null) {
        masks = new MaskSource.Uniform(density, seed);
      } else {
        PlanRef plan = PlanRef.of(planDir);
        rank = plan.rank(null, rank);
        masks = new MaskSource.File(plan.masksFile());
      }
      // alpha stays the sweep's at any rank (as a low-rank control is compared at the same alpha).
      RunConfig rc =
          b.withLora(b.lora().toBuilder().rank(rank).build())
              .withMasks(masks)
              .withTraining(b.training().toBuilder().seed(seed).build());
      boolean unfinished = Files.isDirectory(run.resolve(TrainRun.CHECKPOINTS));
      m = TrainRun.execute(rc, run, unfinished, p -> {}, () -> false).metrics();
    }
    // Kept against dense LoRA at the sweep's rank (a low-rank run's own dense LoRA has its smaller
    // rank).
    long denseAtSweepRank = m.denseLoraParams() / rank * c.rank();
    return new SweepRow(
        strategy,
        density,
        tau,
        seed,
        m.trainableParams(),
        m.adapterParams(),
        m.adapterParams() / (double) denseAtSweepRank,
        m.accuracy(),
        m.macroF1(),
        m.mcc(),
        m.wallSeconds(),
        run.toString());
  }

  private static RunMetrics read(Path run) {
    try {
      return Json.MAPPER.readValue(run.resolve(TrainRun.METRICS).toFile(), RunMetrics.class);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + run.resolve(TrainRun.METRICS) + ": " + e.getMessage(), e);
    }
  }
}
