package dev.keyrelay.sidecar.tls;

import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Leaf certificate chains of intercepted hosts: minted off the event loop, kept in a bounded LRU,
 * minted again when close to expiry.
 */
final class CertificateCache {

  /** A chain this close to its notAfter is minted again rather than served. */
  private static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private final Function<String, X509Certificate[]> minter;
  private final Executor executor;
  private final TlsMetrics metrics;
  private final Map<String, CompletableFuture<X509Certificate[]>> cache;

  CertificateCache(
      Function<String, X509Certificate[]> minter,
      Executor executor,
      MeterRegistry registry,
      int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.minter = minter;
    this.executor = executor;
    this.cache = new LruMap<>(capacity);
    this.metrics = new TlsMetrics(registry, this::size);
  }

  /**
   * The chain for a canonical host, completed on the executor when it has to be minted. Concurrent
   * callers for one host share one mint; a failed mint is forgotten so the next call retries.
   */
  CompletableFuture<X509Certificate[]> chainFor(String host) {
    CompletableFuture<X509Certificate[]> future;
    synchronized (cache) {
      future = cache.get(host);
      if (future != null && !expiring(future)) {
        metrics.cacheHit();
        return future;
      }
      future = new CompletableFuture<>();
      cache.put(host, future);
    }
    mintLater(host, future);
    return future;
  }

  /** The chain for a canonical host if it is minted and cached, else null; never blocks. */
  X509Certificate[] readyChain(String host) {
    CompletableFuture<X509Certificate[]> future;
    synchronized (cache) {
      future = cache.get(host);
    }
    return future != null && future.isDone() && !future.isCompletedExceptionally()
        ? future.join()
        : null;
  }

  /** How many hosts have a chain (or a mint in flight) in the cache. */
  int size() {
    synchronized (cache) {
      return cache.size();
    }
  }

  private static boolean expiring(CompletableFuture<X509Certificate[]> future) {
    if (!future.isDone() || future.isCompletedExceptionally()) {
      return false;
    }
    Instant renewAt = future.join()[0].getNotAfter().toInstant().minus(RENEW_BEFORE);
    return Instant.now().isAfter(renewAt);
  }

  private void mintLater(String host, CompletableFuture<X509Certificate[]> future) {
    // The caller owns reporting the failure; the cache only has to let the next call retry.
    future.whenComplete(
        (chain, error) -> {
          if (error != null) {
            forget(host, future);
          }
        });
    try {
      executor.execute(
          () -> {
            try {
              future.complete(metrics.recordMint(() -> minter.apply(host)));
            } catch (RuntimeException e) {
              future.completeExceptionally(e);
            }
          });
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  private void forget(String host, CompletableFuture<X509Certificate[]> future) {
    synchronized (cache) {
      cache.remove(host, future);
    }
  }

  /** An access-ordered map that drops its least recently used entry beyond capacity. */
  private static final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    LruMap(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > capacity;
    }
  }
}
