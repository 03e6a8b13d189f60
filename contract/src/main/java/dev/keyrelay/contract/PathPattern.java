package dev.keyrelay.contract;

import java.util.List;

/**
 * A path pattern of a request rule: literal segments, {@code *} for exactly one non-empty segment
 * and {@code **} for any number of segments (none included). Literal segments are kept in the
 * normalised form of {@link PathNormalizer}, so {@code /a%7eb} and {@code /a~b} are one pattern.
 */
public final class PathPattern {

  private static final String ONE = "*";
  private static final String ANY = "**";

  private final String text;
  private final List<String> segments;

  private PathPattern(String text, List<String> segments) {
    this.text = text;
    this.segments = segments;
  }

  /**
   * @throws IllegalArgumentException naming what is wrong, for the config error message
   */
  public static PathPattern parse(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException("must start with '/'");
    }
    if (text.indexOf('?') >= 0) {
      throw new IllegalArgumentException("must not contain a query: the query never matters");
    }
    String[] raw = text.split("/", -1);
    for (int i = 1; i < raw.length - 1; i++) {
      if (raw[i].isEmpty() || raw[i].equals(".") || raw[i].equals("..")) {
        throw new IllegalArgumentException("must not contain '//', '.' or '..' segments");
      }
    }
    NormalizedPath normalized;
    try {
      normalized = PathNormalizer.normalize(text);
    } catch (RefusedPathException e) {
      throw new IllegalArgumentException("is not a usable path: " + e.getMessage());
    }
    for (String segment : normalized.segments()) {
      if (segment.contains(ONE) && !segment.equals(ONE) && !segment.equals(ANY)) {
        throw new IllegalArgumentException(
            "'*' and '**' must be whole segments, not part of \"" + segment + "\"");
      }
    }
    return new PathPattern(text, normalized.segments());
  }

  public boolean matches(NormalizedPath path) {
    return matches(0, path.segments(), 0);
  }

  private boolean matches(int p, List<String> path, int s) {
    if (p == segments.size()) {
      return s == path.size();
    }
    String pattern = segments.get(p);
    if (pattern.equals(ANY)) {
      for (int skip = s; skip <= path.size(); skip++) {
        if (matches(p + 1, path, skip)) {
          return true;
        }
      }
      return false;
    }
    if (s == path.size()) {
      return false;
    }
    String segment = path.get(s);
    boolean one = pattern.equals(ONE) ? !segment.isEmpty() : pattern.equals(segment);
    return one && matches(p + 1, path, s + 1);
  }

  @Override
  public String toString() {
    return text;
  }
}
