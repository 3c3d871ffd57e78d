package dev.plora.engine.mask;

/**
 * A mask strategy: a named, seeded way to turn a model's targets (and, for some, data or another
 * plan) into a {@link MaskPlan}. {@link Strategies} is the one place that lists them.
 */
public interface Strategy {
  /** What a strategy reads besides the model's targets. */
  record Needs(boolean data, boolean exactlyOneDataset, boolean reference, boolean density) {
    static final Needs NOTHING = new Needs(false, false, false, false);
  }

  /** The name users write: {@code partial-lora}. */
  String name();

  /**
   * Checked against the configuration before anything runs, so a missing input is reported by
   * field.
   */
  Needs needs();

  /**
   * Discovers the plan; writes only what the strategy itself keeps under {@code context.out()}
   * (IMP's rounds).
   */
  MaskPlan plan(StrategyContext context);
}
