package dev.keyrelay.sidecar.config;

/**
 * A route or listener of the config file that does not apply to this pod, kept by name only so that
 * {@code /readyz?verbose} can say why it is absent.
 *
 * @param kind {@code http} or {@code postgres}
 * @param reason which part of the pod's scope leaves it out
 */
public record Withheld(String name, String kind, String reason) {}
