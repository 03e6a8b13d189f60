package dev.keyrelay.sidecar.config;

/**
 * A token that admits a client to the proxy when sent in {@code Proxy-Authorization}.
 *
 * @param name shown in the audit line of every request the token's connections make
 * @param secret where the token's value is read, on every check, so a rotated value applies at once
 */
public record ProxyToken(String name, SecretRef secret) {}
