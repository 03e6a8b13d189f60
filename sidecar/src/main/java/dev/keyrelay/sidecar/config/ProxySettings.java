package dev.keyrelay.sidecar.config;

import java.time.Duration;

/**
 * The forward proxy listener.
 *
 * @param listen where the proxy binds (default 127.0.0.1:6790)
 * @param allowNonLoopback must be true to bind a non-loopback address
 * @param connectTimeout how long connecting to an upstream may take before the client gets 504
 * @param idleTimeout how long an upstream may stay silent mid-exchange before the client gets 504
 * @param workers how many event-loop threads serve the proxy and its upstream connections
 */
public record ProxySettings(
    HostPort listen,
    boolean allowNonLoopback,
    Duration connectTimeout,
    Duration idleTimeout,
    int workers) {

  /**
   * Two, or one on a single CPU: one agent rarely keeps more busy, and in a pod without a CPU
   * limit the JVM sees every core of the node, which would mean a thread and a connection pool
   * per core.
   */
  public static int defaultWorkers() {
    return Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  public ProxySettings withListen(HostPort newListen) {
    return new ProxySettings(newListen, allowNonLoopback, connectTimeout, idleTimeout, workers);
  }
}
