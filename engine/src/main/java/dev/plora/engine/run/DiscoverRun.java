package dev.plora.engine.run;

import dev.plora.engine.config.DiscoverConfig;
import dev.plora.engine.lora.TargetMatcher;
import dev.plora.engine.lora.TargetSite;
import dev.plora.engine.lora.TargetSites;
import dev.plora.engine.mask.MaskPlan;
import dev.plora.engine.mask.Strategies;
import dev.plora.engine.mask.Strategy;
import dev.plora.engine.mask.StrategyContext;
import dev.plora.engine.model.ModelFiles;
import dev.plora.engine.model.ModelLimits;
import dev.plora.engine.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The engine's discover-a-plan entry point, shared by {@code plora discover}, the services and the
 * sweep: checks that the strategy has what it needs, runs it on the model's selected targets, and
 * writes the plan directory ({@code plan.json} + {@code masks.safetensors}).
 */
public final class DiscoverRun {
  private DiscoverRun() {}

  public static MaskPlan execute(DiscoverConfig c, Path out) {
    return execute(c, out, () -> false);
  }

  /**
   * As above; strategies that train (IMP) check {@code stop} between steps and give up with {@link
   * dev.plora.engine.train.TrainingStopped}, leaving no plan.
   */
  public static MaskPlan execute(DiscoverConfig c, Path out, BooleanSupplier stop) {
    Strategy strategy = Strategies.check(c);
    ModelFiles files = ModelFiles.resolve(c.model());
    OnnxModel model = OnnxModel.load(files.onnx());
    ModelLimits.checkMaxLength(model, c.training().maxLength());
    List<TargetSite> sites = TargetMatcher.select(TargetSites.find(model), c.lora().targets());
    MaskPlan plan = strategy.plan(new StrategyContext(model, files, sites, c, out, stop));
    plan.save(out);
    return plan;
  }
}
