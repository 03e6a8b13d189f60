package dev.keyrelay.sidecar.secrets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The secret resolver's meters; tags are route and source kind, never a value. */
final class SecretMetrics {

  private final MeterRegistry registry;
  private final LongSupplier ticker;
  private final ConcurrentMap<RouteSource, AtomicLong> lastFetch = new ConcurrentHashMap<>();
  // Meters are looked up once per key: building a meter id on every read costs more than counting.
  private final ConcurrentMap<Read, Counter> reads = new ConcurrentHashMap<>();
  private final ConcurrentMap<RouteSource, Counter> cacheHits = new ConcurrentHashMap<>();
  private final ConcurrentMap<Read, Counter> refreshes = new ConcurrentHashMap<>();

  SecretMetrics(MeterRegistry registry, LongSupplier ticker) {
    this.registry = registry;
    this.ticker = ticker;
  }

  /** Counts one read; {@code outcome} is "ok", "stale" or "unavailable". */
  void read(String route, String source, String outcome) {
    reads
        .computeIfAbsent(
            new Read(route, source, outcome),
            key ->
                Counter.builder("keyrelay.secret.reads")
                    .description("Secret reads for routes, by source and outcome")
                    .tag("route", key.route())
                    .tag("source", key.source())
                    .tag("outcome", key.outcome())
                    .register(registry))
        .increment();
  }

  /**
   * Counts one token fetch from an issuer, tagged with the route whose request caused it; {@code
   * outcome} is "ok", "failed" (the issuer could not answer) or "rejected" (it said no).
   */
  void refresh(String route, String source, String outcome) {
    refreshes
        .computeIfAbsent(
            new Read(route, source, outcome),
            key ->
                Counter.builder("keyrelay.token.refreshes")
                    .description("Short-lived tokens fetched from their issuer, by outcome")
                    .tag("route", key.route())
                    .tag("source", key.source())
                    .tag("outcome", key.outcome())
                    .register(registry))
        .increment();
  }

  void cacheHit(String route, String source) {
    cacheHits
        .computeIfAbsent(
            new RouteSource(route, source),
            key ->
                Counter.builder("keyrelay.secret.cache.hits")
                    .description("Secret reads answered from the cache without asking the store")
                    .tag("route", key.route())
                    .tag("source", key.source())
                    .register(registry))
        .increment();
  }

  /** Records that the value used for {@code route} was fetched from its store at that time. */
  void fetched(String route, String source, long fetchedAtNanos) {
    lastFetch
        .computeIfAbsent(new RouteSource(route, source), key -> registerAge(key, fetchedAtNanos))
        .accumulateAndGet(fetchedAtNanos, Math::max);
  }

  private AtomicLong registerAge(RouteSource key, long fetchedAtNanos) {
    AtomicLong at = new AtomicLong(fetchedAtNanos);
    Gauge.builder(
            "keyrelay.secret.fetch.age",
            at,
            a -> (ticker.getAsLong() - a.get()) / (double) TimeUnit.SECONDS.toNanos(1))
        .description("Seconds since the route's secret was last fetched from its store")
        .baseUnit("seconds")
        .tag("route", key.route())
        .tag("source", key.source())
        .register(registry);
    return at;
  }

  private record RouteSource(String route, String source) {}

  private record Read(String route, String source, String outcome) {}
}
