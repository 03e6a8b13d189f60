package dev.keyrelay.sidecar.tls;

import dev.keyrelay.sidecar.config.HostNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server TLS contexts for intercepted hosts: minted off the event loop, kept in a bounded LRU. */
public final class ServerTlsContexts {

  public static final int DEFAULT_CAPACITY = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContexts.class);
  private static final ApplicationProtocolConfig HTTP_1_1_ONLY =
      new ApplicationProtocolConfig(
          Protocol.ALPN,
          SelectorFailureBehavior.NO_ADVERTISE,
          SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_1_1);

  private final Function<String, SslContext> factory;
  private final Executor executor;
  private final TlsMetrics metrics;
  private final Map<String, CompletableFuture<SslContext>> cache;

  public ServerTlsContexts(
      LeafCertificateMinter minter, Executor executor, MeterRegistry registry, int capacity) {
    this(host -> newContext(minter, host), executor, registry, capacity);
  }

  public ServerTlsContexts(
      LeafCertificateMinter minter, Executor executor, MeterRegistry registry) {
    this(minter, executor, registry, DEFAULT_CAPACITY);
  }

  ServerTlsContexts(
      Function<String, SslContext> factory,
      Executor executor,
      MeterRegistry registry,
      int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.factory = factory;
    this.executor = executor;
    this.cache = new LruMap<>(capacity);
    this.metrics = new TlsMetrics(registry, this::size);
  }

  /**
   * The server context for {@code host}, completed on the executor when it has to be minted.
   * Concurrent callers for one host share one mint; a failed mint is forgotten so the next call
   * retries.
   */
  public CompletableFuture<SslContext> contextFor(String host) {
    String key;
    try {
      key = HostNames.canonical(host);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<SslContext> future;
    synchronized (cache) {
      future = cache.get(key);
      if (future != null) {
        metrics.cacheHit();
        return future;
      }
      future = new CompletableFuture<>();
      cache.put(key, future);
    }
    mintLater(key, future);
    return future;
  }

  private void mintLater(String host, CompletableFuture<SslContext> future) {
    // The caller owns reporting the failure; the cache only has to let the next call retry.
    future.whenComplete(
        (context, error) -> {
          if (error != null) {
            forget(host, future);
          }
        });
    try {
      executor.execute(
          () -> {
            try {
              future.complete(metrics.recordMint(() -> factory.apply(host)));
            } catch (RuntimeException e) {
              future.completeExceptionally(e);
            }
          });
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  private void forget(String host, CompletableFuture<SslContext> future) {
    synchronized (cache) {
      cache.remove(host, future);
    }
  }

  /** How many hosts have a context (or a mint in flight) in the cache. */
  public int size() {
    synchronized (cache) {
      return cache.size();
    }
  }

  static SslContext newContext(LeafCertificateMinter minter, String host) {
    LOG.debug("minting a certificate for {}", host);
    return minter.serverContext(HTTP_1_1_ONLY, host);
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
