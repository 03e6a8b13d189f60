package dev.keyrelay.sidecar.config;

import java.nio.file.Path;

/**
 * Where the sidecar writes {@code ca.crt} and {@code ca-bundle.crt}; the CA key is never written.
 */
public record CaSettings(Path dir) {}
