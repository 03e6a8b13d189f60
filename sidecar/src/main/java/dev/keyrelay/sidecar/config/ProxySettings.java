package dev.keyrelay.sidecar.config;

import java.time.Duration;

/**
 * The forward proxy listener.
 *
 * @param listen where the proxy binds (default 127.0.0.1:6790)
 * @param allowNonLoopback must be true to bind a non-loopback address
 * @param connectTimeout how long connecting to an upstream may take before the client gets 504
 * @param idleTimeout how long an upstream may stay silent mid-exchange before the client gets 504
 */
public record ProxySettings(
    HostPort listen, boolean allowNonLoopback, Duration connectTimeout, Duration idleTimeout) {}
