package dev.keyrelay.operator.route;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects the violations of one route while its validators walk the spec. */
final class Violations {

  private final List<Violation> found = new ArrayList<>();

  /**
   * Records {@code problem} unless {@code ok}; returns {@code ok} so callers can skip dependents.
   */
  boolean check(boolean ok, String field, String problem) {
    if (!ok) {
      found.add(new Violation(field, problem));
    }
    return ok;
  }

  boolean required(Object value, String field) {
    return check(value != null, field, "is required");
  }

  void matches(String value, String regex, String field, String what) {
    if (required(value, field)) {
      check(Pattern.matches(regex, value), field, "'" + value + "' is not " + what);
    }
  }

  /** Records an over-long {@code value}; null passes (required() reports a missing one). */
  void maxLength(String value, int max, String field) {
    if (value != null) {
      check(value.length() <= max, field, "is longer than " + max + " characters");
    }
  }

  void portRange(Integer port, int min, String field) {
    if (port != null) {
      check(port >= min && port <= 65535, field, port + " is outside " + min + "-65535");
    }
  }

  List<Violation> list() {
    return List.copyOf(found);
  }
}
