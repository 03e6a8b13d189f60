package dev.keyrelay.operator.config;

import java.time.Duration;
import java.util.Map;

/**
 * The operator's environment variables, read with one set of rules: surrounding blanks ignored, a
 * flag is exactly {@code true} or {@code false}, a port a number from 0 (any free port) to 65535. A
 * bad value throws {@link IllegalArgumentException} naming the variable; the operator exits 2 with
 * it.
 */
public final class Environment {

  private final Map<String, String> env;

  public Environment(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The trimmed value, or null when unset or blank. */
  public String optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  public String string(String name, String fallback) {
    String value = optional(name);
    return value == null ? fallback : value;
  }

  public boolean flag(String name, boolean fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw refused(name, value, "\"true\" or \"false\"");
    };
  }

  public int port(String name, int fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    int port;
    try {
      port = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw refused(name, value, "a port number");
    }
    if (port < 0 || port > 65535) {
      throw refused(name, value, "a port from 0 to 65535");
    }
    return port;
  }

  /** A whole number of seconds, at least one. */
  public Duration seconds(String name, Duration fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    long seconds;
    try {
      seconds = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw refused(name, value, "a number of seconds");
    }
    if (seconds < 1) {
      throw refused(name, value, "at least 1 second");
    }
    return Duration.ofSeconds(seconds);
  }

  private static IllegalArgumentException refused(String name, String value, String expected) {
    return new IllegalArgumentException(
        name + ": \"" + value + "\" is not valid; expected " + expected);
  }
}
