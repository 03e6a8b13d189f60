package dev.keyrelay.sidecar.postgres;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The PostgreSQL listeners' metrics: sessions by listener and outcome, bytes, auth time. */
public final class PostgresMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

  public PostgresMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void opened(String listener) {
    Counter.builder("keyrelay.postgres.sessions.opened")
        .description("Client sessions accepted by a PostgreSQL listener")
        .tag("listener", listener)
        .register(registry)
        .increment();
  }

  /** A session reached its relay phase; call {@link #ended} when it closes. */
  void started(String listener) {
    gauge(listener).incrementAndGet();
  }

  void ended(String listener) {
    gauge(listener).decrementAndGet();
  }

  void failed(String listener, String reason) {
    Counter.builder("keyrelay.postgres.sessions.failed")
        .description("Client sessions refused or failed before the relay, by reason")
        .tag("listener", listener)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  Counter bytes(String listener, boolean fromClient) {
    return Counter.builder("keyrelay.postgres.bytes")
        .description("Bytes relayed between clients and the upstream server")
        .baseUnit("bytes")
        .tag("listener", listener)
        .tag("direction", fromClient ? "client_to_upstream" : "upstream_to_client")
        .register(registry);
  }

  void upstreamAuth(String listener, String method, Duration took) {
    Timer.builder("keyrelay.postgres.upstream.auth")
        .description("Time from connecting to the upstream until it accepted the login")
        .tag("listener", listener)
        .tag("method", method)
        .register(registry)
        .record(took);
  }

  void cancel(String listener, String outcome) {
    Counter.builder("keyrelay.postgres.cancel.requests")
        .description("CancelRequests received, by whether a session matched")
        .tag("listener", listener)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private AtomicInteger gauge(String listener) {
    return active.computeIfAbsent(
        listener,
        name -> {
          AtomicInteger value = new AtomicInteger();
          Gauge.builder("keyrelay.postgres.sessions.active", value, AtomicInteger::get)
              .description("Sessions currently relayed")
              .tag("listener", name)
              .register(registry);
          return value;
        });
  }
}
