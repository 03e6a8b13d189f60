package dev.keyrelay.sidecar.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** The certificate metrics: mints, cache hits, mint duration and cache size. */
final class TlsMetrics {

  private final Counter minted;
  private final Counter cacheHits;
  private final Timer mintDuration;

  TlsMetrics(MeterRegistry registry, Supplier<Number> cacheSize) {
    this.minted =
        Counter.builder("keyrelay.certificates.minted")
            .description("Leaf certificates minted by the sidecar CA")
            .register(registry);
    this.cacheHits =
        Counter.builder("keyrelay.certificates.cache.hits")
            .description("Server TLS contexts served from the cache")
            .register(registry);
    this.mintDuration =
        Timer.builder("keyrelay.certificates.mint.duration")
            .description("Time to mint a leaf certificate and build its TLS context")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
    Gauge.builder("keyrelay.certificates.cache.size", cacheSize)
        .description("Server TLS contexts held in the cache")
        .register(registry);
  }

  void cacheHit() {
    cacheHits.increment();
  }

  /** Runs one mint, timing it and counting it when it succeeds. */
  <T> T recordMint(Supplier<T> mint) {
    T result = mintDuration.record(mint);
    minted.increment();
    return result;
  }
}
