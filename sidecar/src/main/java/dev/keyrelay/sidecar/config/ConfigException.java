package dev.keyrelay.sidecar.config;

import java.util.List;

/** A config file that cannot be used; the message lists every problem, one per line. */
public final class ConfigException extends Exception {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code <file>: <field path>: <reason>}. */
  public List<String> problems() {
    return problems;
  }
}
