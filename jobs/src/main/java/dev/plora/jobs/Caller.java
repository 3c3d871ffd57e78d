package dev.plora.jobs;

import java.util.regex.Pattern;

/**
 * Who is calling, as the gateway authenticated them (a verified bearer token): the subject owns the
 * jobs it submits and the files it uploads; an admin may see and act on everything.
 */
public record Caller(String subject, boolean admin) {
  /** Subjects become folder names ({@code uploads/<subject>/}): a conservative alphabet. */
  public static final Pattern SUBJECT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Caller {
    if (subject == null || !SUBJECT.matcher(subject).matches()) {
      throw new AccessDeniedException(
          "the token's subject '"
              + subject
              + "' is not a valid plora subject (1-64 of a-z 0-9 . _ -, starting with a letter or digit)");
    }
  }

  /** Whether this caller may act on what {@code owner} owns. */
  public boolean mayAccess(String owner) {
    return admin || subject.equals(owner);
  }
}
