package dev.keyrelay.sidecar.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses config durations: a whole number followed by ms, s, m or h. */
final class Durations {

  private static final Pattern SHAPE = Pattern.compile("([0-9]{1,12})(ms|s|m|h)");
  private static final Map<String, ChronoUnit> UNITS =
      Map.of(
          "ms", ChronoUnit.MILLIS,
          "s", ChronoUnit.SECONDS,
          "m", ChronoUnit.MINUTES,
          "h", ChronoUnit.HOURS);

  private Durations() {}

  /**
   * @throws IllegalArgumentException when the text is not such a duration or is zero
   */
  static Duration parse(String text) {
    Matcher m = SHAPE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" is not a duration; use a positive whole number followed by ms, s, m or h"
              + " (250ms, 30s, 5m, 1h)");
    }
    Duration d = Duration.of(Long.parseLong(m.group(1)), UNITS.get(m.group(2)));
    if (d.isZero()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return d;
  }
}
