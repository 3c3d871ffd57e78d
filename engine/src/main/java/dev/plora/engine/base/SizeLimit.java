package dev.plora.engine.base;

/**
 * A bound on a size read from an untrusted file (a header length, a line, a whole file), checked
 * before anything is allocated for it. The default suits plora's own files and published models; a
 * user with larger inputs raises it with the system property {@code -D<property>=<value>}, read on
 * every check so that a test or an embedding application can set it at any time.
 *
 * @param property the system property that overrides the default
 * @param defaultValue the limit when the property is not set
 * @param unit what is counted ("bytes", "characters", "elements"), for messages
 */
public record SizeLimit(String property, long defaultValue, String unit) {

  public SizeLimit {
    if (defaultValue <= 0) {
      throw new IllegalArgumentException(property + ": the default limit must be positive");
    }
  }

  /** The limit in force: the system property when set, else the default. */
  public long value() {
    String set = System.getProperty(property);
    if (set == null || set.isBlank()) {
      return defaultValue;
    }
    try {
      long v = Long.parseLong(set.trim());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below, with the property's name
    }
    throw new IllegalArgumentException(
        "-D" + property + "=" + set + ": expected a positive whole number of " + unit);
  }

  /** Whether {@code size} is over the limit in force. */
  public boolean exceededBy(long size) {
    return size > value();
  }

  /**
   * The end of an error message: "{@code <what>} is 12 bytes, over the limit of 10 bytes (raise it
   * with -Dproperty=…)".
   */
  public String describe(String what, long size) {
    return what + " is " + size + " " + unit + ", " + overTheLimit();
  }

  /**
   * As {@link #describe(String, long)} for a size not known in full (reading stopped at the limit).
   */
  public String describe(String what) {
    return what + " is " + overTheLimit();
  }

  private String overTheLimit() {
    return "over the limit of "
        + value()
        + " "
        + unit
        + " (raise it with -D"
        + property
        + "=<"
        + unit
        + ">)";
  }
}
