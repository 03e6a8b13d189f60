package dev.keyrelay.sidecar.config;

import java.nio.file.Path;

/**
 * Where the sidecar writes {@code ca.crt} and {@code ca-bundle.crt}, and where it keeps the CA's
 * certificate and key across restarts.
 *
 * @param keyFile the CA's certificate and private key (mode 0600), reused at start while valid;
 *     null keeps the key in memory only, so each start makes a new CA
 */
public record CaSettings(Path dir, Path keyFile) {}
