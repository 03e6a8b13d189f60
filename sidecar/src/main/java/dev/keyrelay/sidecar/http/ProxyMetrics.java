package dev.keyrelay.sidecar.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The proxy's meters: requests, injections, upstream latency, tunnels and bytes. */
public final class ProxyMetrics {

  private static final String NO_ROUTE = "none";

  private final MeterRegistry registry;
  private final Counter bodySent;
  private final Counter bodyReceived;
  private final Counter tunnelSent;
  private final Counter tunnelReceived;

  public ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.bodySent = bytes("http", "sent");
    this.bodyReceived = bytes("http", "received");
    this.tunnelSent = bytes("tunnel", "sent");
    this.tunnelReceived = bytes("tunnel", "received");
  }

  void request(String route, String method, int status) {
    Counter.builder("keyrelay.requests")
        .description("Requests answered, by route, method and status")
        .tag("route", route == null ? NO_ROUTE : route)
        .tag("method", method)
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  void injected(String route) {
    Counter.builder("keyrelay.injections")
        .description("Requests that got a credential injected")
        .tag("route", route)
        .register(registry)
        .increment();
  }

  void upstreamLatency(String route, long nanos) {
    Timer.builder("keyrelay.upstream.latency")
        .description("Time from sending a request upstream to its response head")
        .tag("route", route == null ? NO_ROUTE : route)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** kind: intercepted, blind, denied or failed. */
  void tunnel(String kind) {
    Counter.builder("keyrelay.tunnels")
        .description("CONNECT tunnels by outcome")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  void bodyBytes(String direction, int bytes) {
    (direction.equals("sent") ? bodySent : bodyReceived).increment(bytes);
  }

  void tunnelBytes(String direction, int bytes) {
    (direction.equals("sent") ? tunnelSent : tunnelReceived).increment(bytes);
  }

  private Counter bytes(String kind, String direction) {
    return Counter.builder("keyrelay.bytes")
        .description("Bytes relayed: HTTP bodies through interception, raw bytes through tunnels")
        .baseUnit("bytes")
        .tag("kind", kind)
        .tag("direction", direction)
        .register(registry);
  }
}
