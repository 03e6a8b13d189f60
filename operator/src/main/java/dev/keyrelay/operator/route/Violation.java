package dev.keyrelay.operator.route;

/** A problem with one field of a CredentialRoute, phrased for a status message. */
public record Violation(String field, String problem) {

  @Override
  public String toString() {
    return field + ": " + problem;
  }
}
