package dev.keyrelay.sidecar.config;

/** The admin listener serving /healthz, /readyz and /metrics (default 127.0.0.1:9090). */
public record AdminSettings(HostPort listen) {}
