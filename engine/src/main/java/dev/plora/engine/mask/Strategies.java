package dev.plora.engine.mask;

import dev.plora.engine.config.ConfigException;
import dev.plora.engine.config.DiscoverConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of mask strategies: the one place that knows which exist and what each needs. */
public final class Strategies {
  private static final Map<String, Strategy> ALL = new LinkedHashMap<>();

  static {
    for (Strategy s :
        List.of(
            new DenseStrategy(),
            new UniformStrategy(),
            new PartialLoraStrategy(),
            new ImpStrategy(),
            new ShuffledStrategy(),
            new LowRankStrategy())) {
      ALL.put(s.name(), s);
    }
  }

  private Strategies() {}

  /**
   * Every strategy's name, in a fixed order: dense, uniform, partial-lora, imp, shuffled, low-rank.
   */
  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /**
   * The strategy called {@code name}, or a {@link ConfigException} naming the field and the
   * choices.
   */
  public static Strategy get(String name) {
    Strategy s = ALL.get(name);
    if (s == null) {
      throw new ConfigException(
          "strategy.name",
          "unknown strategy '" + name + "'; available: " + String.join(", ", names()));
    }
    return s;
  }

  /** Checks that the configuration gives the strategy what it needs; returns the strategy. */
  public static Strategy check(DiscoverConfig c) {
    Strategy s = get(c.strategy().name());
    Strategy.Needs n = s.needs();
    if (n.data() && (c.data() == null || c.data().train().isEmpty())) {
      throw new ConfigException(
          "data.train", "is required by " + s.name() + " (it reads the training data)");
    }
    if (n.exactlyOneDataset() && c.data().train().size() != 1) {
      throw new ConfigException(
          "data.train",
          "must name exactly one file for " + s.name() + ", got " + c.data().train().size());
    }
    if (n.reference() && c.strategy().reference() == null) {
      throw new ConfigException(
          "strategy.reference", "is required by " + s.name() + " (the plan it controls against)");
    }
    if (n.density() && c.strategy().density() == null) {
      throw new ConfigException("strategy.density", "is required by " + s.name());
    }
    return s;
  }
}
