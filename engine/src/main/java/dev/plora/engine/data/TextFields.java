package dev.plora.engine.data;

/**
 * Which fields of a record hold the text, the optional second text and the label.
 *
 * @param textPair null when the task has no second segment
 */
public record TextFields(String text, String textPair, String label) {
  public static final TextFields DEFAULT = new TextFields("text", "text_pair", "label");

  public TextFields {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("text field name must not be empty");
    }
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("label field name must not be empty");
    }
  }
}
