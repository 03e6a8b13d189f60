package dev.keyrelay.operator.route;

/**
 * Why an otherwise valid route is refused because an older route in the namespace already holds
 * what it asks for.
 *
 * @param reason a CamelCase condition reason, e.g. {@code HostConflict}
 */
public record Conflict(String reason, String field, String problem) {

  @Override
  public String toString() {
    return field + ": " + problem;
  }
}
