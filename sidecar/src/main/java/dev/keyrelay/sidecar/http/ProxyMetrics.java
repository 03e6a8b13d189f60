package dev.keyrelay.sidecar.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The proxy's meters: requests, injections, limited requests, upstream latency, tunnels and bytes,
 * and the agent connections (open, refused, timed out, failed).
 */
public final class ProxyMetrics {

  private static final String NO_ROUTE = "none";

  // Meters are looked up once per key: building a meter id on every request costs more than the
  // increment itself.
  private record RequestKey(String route, String method, int status) {}

  private final MeterRegistry registry;
  private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> injections = new ConcurrentHashMap<>();
  private final Map<String, Counter> scrubbed = new ConcurrentHashMap<>();
  private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
  private final Map<String, Counter> limited = new ConcurrentHashMap<>();
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
    requests
        .computeIfAbsent(
            new RequestKey(route == null ? NO_ROUTE : route, method, status),
            key ->
                Counter.builder("keyrelay.requests")
                    .description("Requests answered, by route, method and status")
                    .tag("route", key.route())
                    .tag("method", key.method())
                    .tag("status", Integer.toString(key.status()))
                    .register(registry))
        .increment();
  }

  void injected(String route) {
    injections
        .computeIfAbsent(
            route,
            r ->
                Counter.builder("keyrelay.injections")
                    .description("Requests that got a credential injected")
                    .tag("route", r)
                    .register(registry))
        .increment();
  }

  /**
   * A request refused by its route's limits; {@code limit} is {@code rate} or {@code concurrent}.
   */
  void limited(String route, String limit) {
    limited
        .computeIfAbsent(
            route + '\n' + limit,
            key ->
                Counter.builder("keyrelay.requests.limited")
                    .description("Requests refused with 429 by the route's limits")
                    .tag("route", route)
                    .tag("limit", limit)
                    .register(registry))
        .increment();
  }

  void scrubbed(String route) {
    scrubbed
        .computeIfAbsent(
            route,
            r ->
                Counter.builder("keyrelay.responses.scrubbed")
                    .description(
                        "Responses in which the route's secret was masked before the agent")
                    .tag("route", r)
                    .register(registry))
        .increment();
  }

  void upstreamLatency(String route, long nanos) {
    latencies
        .computeIfAbsent(
            route == null ? NO_ROUTE : route,
            r ->
                Timer.builder("keyrelay.upstream.latency")
                    .description("Time from sending a request upstream to its response head")
                    .tag("route", r)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry))
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

  void tunnelBytes(String direction, long bytes) {
    (direction.equals("sent") ? tunnelSent : tunnelReceived).increment(bytes);
  }

  /** Registers the gauge of open agent connections, read from {@code open}. */
  void openConnections(Supplier<Number> open) {
    Gauge.builder("keyrelay.connections.open", open)
        .description("Agent connections open on the proxy listener")
        .register(registry);
  }

  void connectionRefused() {
    Counter.builder("keyrelay.connections.refused")
        .description("Agent connections refused with 503 because proxy.maxConnections were open")
        .register(registry)
        .increment();
  }

  /** kind: header (no complete request head in time) or idle (no bytes either way). */
  void clientTimeout(String kind) {
    Counter.builder("keyrelay.client.timeouts")
        .description("Agent connections closed by the header or idle timeout")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  /** kind: see {@link ClientErrors#kind}. */
  void clientError(String kind) {
    Counter.builder("keyrelay.client.errors")
        .description("Agent connections closed on a protocol error, by kind")
        .tag("kind", kind)
        .register(registry)
        .increment();
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
