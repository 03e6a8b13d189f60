package dev.keyrelay.sidecar.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Secret source settings.
 *
 * @param kubernetesMountRoot Secret NAME is mounted at {@code <root>/NAME}, one file per key
 * @param cacheTtl how long a value fetched from a remote store is reused
 * @param staleGrace how long a last-known value may serve while its store is down
 */
public record SecretsSettings(Path kubernetesMountRoot, Duration cacheTtl, Duration staleGrace) {}
