package dev.plora.cli;

import dev.plora.engine.data.TextFields;
import picocli.CommandLine.Option;

/** The field names of labelled data, shared by the commands that read training data. */
final class FieldOptions {
  @Option(names = "--text-field", defaultValue = "text", description = "default: ${DEFAULT-VALUE}")
  String textField;

  @Option(names = "--text-pair-field", defaultValue = "text_pair", description = "second segment for pair tasks (default: ${DEFAULT-VALUE}, optional)")
  String textPairField;

  @Option(names = "--label-field", defaultValue = "label", description = "default: ${DEFAULT-VALUE}")
  String labelField;

  TextFields fields() {
    return new TextFields(textField, textPairField, labelField);
  }
}
