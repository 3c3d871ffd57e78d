package dev.plora.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Pagination of a sorted list by an opaque token: the token names the last item of the previous
 * page (its sort key, base64url-encoded), so a page stays correct when items are added or deleted
 * between calls. Page sizes: 0 means {@value #DEFAULT_SIZE}; larger than {@value #MAX_SIZE} is
 * capped.
 */
public final class Pages {
  public static final int DEFAULT_SIZE = 100;
  public static final int MAX_SIZE = 1000;

  /** One page and the token of the next (empty on the last page). */
  public record Page<T>(List<T> items, String nextToken) {}

  private Pages() {}

  /**
   * @param sorted all items, in ascending order of {@code key}
   * @throws InvalidSpecException for a negative size or a token that is not one of ours
   */
  public static <T> Page<T> of(
      List<T> sorted, Function<T, String> key, int pageSize, String token) {
    if (pageSize < 0) {
      throw new InvalidSpecException("page_size", "must be >= 0, got " + pageSize);
    }
    int size = pageSize == 0 ? DEFAULT_SIZE : Math.min(pageSize, MAX_SIZE);
    int from = 0;
    if (token != null && !token.isEmpty()) {
      String after;
      try {
        after = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException("page_token", "is not a token this service issued");
      }
      while (from < sorted.size() && key.apply(sorted.get(from)).compareTo(after) <= 0) {
        from++;
      }
    }
    int to = Math.min(sorted.size(), from + size);
    List<T> items = List.copyOf(sorted.subList(from, to));
    String next =
        to < sorted.size()
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    key.apply(items.get(items.size() - 1)).getBytes(StandardCharsets.UTF_8))
            : "";
    return new Page<>(items, next);
  }
}
