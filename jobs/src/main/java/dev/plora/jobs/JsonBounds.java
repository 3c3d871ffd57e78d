package dev.plora.jobs;

import dev.plora.engine.base.SizeLimit;

/**
 * The bounds a proto3 JSON message (a JobSpec from a user, any message from Kafka) is checked
 * against before it is parsed: its length, and how deeply its objects and arrays nest. plora's
 * messages nest a few levels; a deeply nested text could only exhaust the parser's stack.
 */
final class JsonBounds {
  /**
   * 1 Mi characters: Kafka's default largest message is 1 MB, and a JobSpec is a few hundred bytes.
   */
  static final SizeLimit MAX_CHARS = new SizeLimit("plora.json.maxChars", 1L << 20, "characters");

  /** Far deeper than any plora.v1 message (a JobStatus holding a JobSpec nests five levels). */
  static final int MAX_DEPTH = 32;

  private JsonBounds() {}

  /** What is wrong with {@code json}'s size or nesting, or null when it is within bounds. */
  static String check(String json) {
    if (json == null) {
      return "no text";
    }
    if (MAX_CHARS.exceededBy(json.length())) {
      return MAX_CHARS.describe("the JSON text", json.length());
    }
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++; // the escaped character cannot end the string
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          return "objects and arrays nest deeper than " + MAX_DEPTH + " levels";
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return null;
  }
}
