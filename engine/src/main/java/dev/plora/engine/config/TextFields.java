package dev.plora.engine.config;

/**
 * Which fields of a record hold the text, the optional second text and the label.
 *
 * @param textPair the second segment's field; records without it have a single text
 */
public record TextFields(String text, String textPair, String label) {
  public static final TextFields DEFAULT = new TextFields("text", "text_pair", "label");

  public TextFields {
    Check.notBlank("data.textField", text);
    Check.notBlank("data.labelField", label);
  }
}
