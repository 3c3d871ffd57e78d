package dev.plora.jobs;

import dev.plora.engine.config.ConfigException;
import java.util.Map;

/**
 * The engine's configuration fields in the JobSpec's words: an engine error names {@code
 * training.maxLength}, a mesh user wrote {@code training.max_length}.
 */
public final class SpecFields {
  /** Fields whose JobSpec name is not simply the snake_case of the engine's. */
  private static final Map<String, String> RENAMED =
      Map.ofEntries(
          Map.entry("model.source", "model.model_uri"),
          Map.entry("model.tokenizer", "model.tokenizer_uri"),
          Map.entry("data.train", "dataset.train_uri"),
          Map.entry("data.eval", "dataset.eval_uri"),
          Map.entry("data.textField", "dataset.text_field"),
          Map.entry("data.textPairField", "dataset.text_pair_field"),
          Map.entry("data.labelField", "dataset.label_field"),
          Map.entry("masks.density", "strategy.density"),
          Map.entry("strategy.name", "strategy.kind"),
          Map.entry("strategy.prune", "strategy.prune_fraction"),
          Map.entry("training.sparseLrScaling", "strategy.sparse_lr_scaling"));

  private SpecFields() {}

  /** The JobSpec field for an engine configuration field. */
  public static String of(String configField) {
    String renamed = RENAMED.get(configField);
    return renamed != null
        ? renamed
        : configField.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The engine's error as a JobSpec error. */
  public static InvalidSpecException translate(ConfigException e) {
    return new InvalidSpecException(of(e.field()), e.problem());
  }
}
