package dev.plora.cli;

import dev.plora.engine.config.TextFields;
import picocli.CommandLine.Option;

/** The field names of labelled data, shared by the commands that read training data. */
final class FieldOptions {
  @Option(
      names = "--text-field",
      defaultValue = "${plora.defaults.data.textField}",
      description = "default: ${DEFAULT-VALUE}")
  String textField;

  @Option(
      names = "--text-pair-field",
      defaultValue = "${plora.defaults.data.textPairField}",
      description = "second segment for pair tasks (default: ${DEFAULT-VALUE}, optional)")
  String textPairField;

  @Option(
      names = "--label-field",
      defaultValue = "${plora.defaults.data.labelField}",
      description = "default: ${DEFAULT-VALUE}")
  String labelField;

  TextFields fields() {
    return new TextFields(textField, textPairField, labelField);
  }
}
