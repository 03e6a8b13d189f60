package dev.keyrelay.sidecar.config;

import java.time.Duration;
import java.util.List;

/**
 * The forward proxy listener.
 *
 * @param listen where the proxy binds (default 127.0.0.1:6790)
 * @param allowNonLoopback must be true to bind a non-loopback address
 * @param connectTimeout how long connecting to an upstream may take before the client gets 504
 * @param idleTimeout how long an upstream may stay silent mid-exchange before the client gets 504
 * @param workers how many event-loop threads serve the proxy and its upstream connections
 * @param headerTimeout how long an agent connection may take to send its first complete request
 *     head before it gets 408
 * @param clientIdleTimeout how long an agent connection may move no byte either way before it is
 *     closed; longer than {@code idleTimeout}
 * @param maxConnections how many agent connections may be open at once; more get 503
 * @param tokens the tokens a client must present in {@code Proxy-Authorization}; empty when the
 *     proxy is open to every local process
 */
public record ProxySettings(
    HostPort listen,
    boolean allowNonLoopback,
    Duration connectTimeout,
    Duration idleTimeout,
    int workers,
    Duration headerTimeout,
    Duration clientIdleTimeout,
    int maxConnections,
    List<ProxyToken> tokens) {

  /**
   * One. A single event loop serves some 15,000 intercepted requests a second on a shared 2-core
   * machine; a second one made the sidecar 30% slower there, its threads preempting each other and
   * the agent's (docs/benchmarks.md). More only pays off when the sidecar has cores of its own.
   */
  public static final int DEFAULT_WORKERS = 1;

  public ProxySettings {
    tokens = List.copyOf(tokens);
  }

  public ProxySettings withListen(HostPort newListen) {
    return new ProxySettings(
        newListen,
        allowNonLoopback,
        connectTimeout,
        idleTimeout,
        workers,
        headerTimeout,
        clientIdleTimeout,
        maxConnections,
        tokens);
  }

  /**
   * Whether {@code next} changes what only a restart applies: everything but the tokens, which each
   * connection reads when it opens.
   */
  public boolean needsRestartFor(ProxySettings next) {
    return !withTokens(List.of()).equals(next.withTokens(List.of()));
  }

  ProxySettings withTokens(List<ProxyToken> newTokens) {
    return new ProxySettings(
        listen,
        allowNonLoopback,
        connectTimeout,
        idleTimeout,
        workers,
        headerTimeout,
        clientIdleTimeout,
        maxConnections,
        newTokens);
  }
}
