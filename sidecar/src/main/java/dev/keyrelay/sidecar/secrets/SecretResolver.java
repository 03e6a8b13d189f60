package dev.keyrelay.sidecar.secrets;

import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SecretsSettings;
import dev.keyrelay.sidecar.config.VaultSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Resolves a route's secret for each request without blocking the caller: files are checked every
 * time, so a rotated value is used by the very next request, on the blocking executor unless they
 * live in memory (tmpfs, as Kubernetes Secret volumes do), where they are read in place like
 * environment variables; remote stores (Vault) go through a TTL cache, and issued tokens (OAuth
 * 2.0, GitHub App) through a cache that follows their expiry. Readers are kept per {@link
 * SecretRef}, so equal references share one reader (and its cache) across config reloads that leave
 * the secret settings unchanged.
 */
public final class SecretResolver {

  private final Executor blockingExecutor;
  private final Function<VaultSettings, Function<SecretRef, SecretSource>> factories;
  private final LongSupplier ticker;
  private final SecretMetrics metrics;
  private volatile Generation generation;

  /**
   * Creates a resolver.
   *
   * @param blockingExecutor where sources are read; never a Netty event loop
   * @param vault how to reach Vault, or null when no route uses it
   */
  public SecretResolver(
      Executor blockingExecutor,
      MeterRegistry registry,
      SecretsSettings settings,
      VaultSettings vault) {
    this(
        blockingExecutor,
        registry,
        settings,
        vault,
        v -> new SecretSources(v, blockingExecutor)::create,
        System::nanoTime);
  }

  SecretResolver(
      Executor blockingExecutor,
      MeterRegistry registry,
      SecretsSettings settings,
      VaultSettings vault,
      Function<VaultSettings, Function<SecretRef, SecretSource>> factories,
      LongSupplier ticker) {
    this.blockingExecutor = blockingExecutor;
    this.factories = factories;
    this.ticker = ticker;
    this.metrics = new SecretMetrics(registry, ticker);
    this.generation = new Generation(settings, vault, factories.apply(vault));
  }

  /**
   * Applies reloaded settings. When they differ from the current ones, sources and caches start
   * afresh; otherwise everything, including cached values, is kept.
   */
  public synchronized void reconfigure(SecretsSettings settings, VaultSettings vault) {
    Generation current = generation;
    if (!current.settings().equals(settings) || !Objects.equals(current.vault(), vault)) {
      generation = new Generation(settings, vault, factories.apply(vault));
    }
  }

  /**
   * Looks up the current value of {@code ref} for {@code routeName}. When no value is available the
   * future fails with a {@link SecretUnavailableException} whose message says why.
   */
  public CompletableFuture<SecretValue> resolve(String routeName, SecretRef ref) {
    SecretReader reader;
    try {
      reader = generation.reader(ref);
    } catch (RuntimeException e) {
      return unbuildable(routeName, ref);
    }
    return resolve(routeName, ref, reader);
  }

  /**
   * Like {@link #resolve}, for a value a session uses for a while (a listener's login): the value
   * comes with the action that ends its use. Until then a leased value is kept renewed.
   */
  public CompletableFuture<HeldSecret> hold(String listenerName, SecretRef ref) {
    SecretReader reader;
    try {
      reader = generation.reader(ref);
    } catch (RuntimeException e) {
      return unbuildable(listenerName, ref).thenApply(value -> null);
    }
    return resolve(listenerName, ref, reader)
        .thenApply(value -> new HeldSecret(value, reader.hold(value)));
  }

  /** A value in use, and the action that ends its use (run it once). */
  public record HeldSecret(SecretValue value, Runnable release) {}

  private CompletableFuture<SecretValue> unbuildable(String routeName, SecretRef ref) {
    metrics.read(routeName, SecretSources.kind(ref), "unavailable");
    return CompletableFuture.failedFuture(
        new SecretUnavailableException(ref.describe() + " cannot be read by this build"));
  }

  private CompletableFuture<SecretValue> resolve(
      String routeName, SecretRef ref, SecretReader reader) {
    String kind = SecretSources.kind(ref);
    CompletableFuture<SecretRead> read = reader.read(routeName);
    CompletableFuture<SecretValue> result = new CompletableFuture<>();
    read.whenComplete(
        (found, failure) -> {
          if (failure == null) {
            record(routeName, kind, found);
            result.complete(found.value());
          } else {
            metrics.read(routeName, kind, "unavailable");
            result.completeExceptionally(
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure);
          }
        });
    return result;
  }

  /**
   * Reads {@code ref} as a request would (through the cache) without counting it in the metrics,
   * and says whether it is usable.
   */
  public CompletableFuture<SecretStatus> status(String routeName, SecretRef ref) {
    CompletableFuture<SecretRead> read;
    try {
      read = generation.reader(ref).read(routeName);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          new SecretStatus("unavailable", ref.describe() + " cannot be read by this build"));
    }
    return read.handle(
        (found, failure) -> {
          if (failure != null) {
            Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            return new SecretStatus("unavailable", cause.getMessage());
          }
          if (found.outcome() == SecretRead.Outcome.STALE) {
            long age = TimeUnit.NANOSECONDS.toSeconds(ticker.getAsLong() - found.fetchedAtNanos());
            return new SecretStatus("stale", "served from a value fetched " + age + " s ago");
          }
          return new SecretStatus("ok", "readable");
        });
  }

  /**
   * Tells the resolver that the upstream refused {@code value} (HTTP 401): when it is the issued
   * token cached for {@code ref}, it is dropped so that the next request gets a new one.
   */
  public void rejected(SecretRef ref, SecretValue value) {
    if (generation.existing(ref) instanceof TokenReader tokens) {
      tokens.reject(value);
    }
  }

  private void record(String routeName, String kind, SecretRead result) {
    metrics.read(routeName, kind, result.outcome() == SecretRead.Outcome.STALE ? "stale" : "ok");
    if (result.outcome() == SecretRead.Outcome.CACHED) {
      metrics.cacheHit(routeName, kind);
    }
    metrics.fetched(routeName, kind, result.fetchedAtNanos());
  }

  /** The readers built for one set of secret settings. */
  private final class Generation {

    private final SecretsSettings settings;
    private final VaultSettings vault;
    private final Function<SecretRef, SecretSource> factory;
    private final ConcurrentMap<SecretRef, SecretReader> readers = new ConcurrentHashMap<>();

    Generation(
        SecretsSettings settings, VaultSettings vault, Function<SecretRef, SecretSource> factory) {
      this.settings = settings;
      this.vault = vault;
      this.factory = factory;
    }

    SecretsSettings settings() {
      return settings;
    }

    VaultSettings vault() {
      return vault;
    }

    SecretReader existing(SecretRef ref) {
      return readers.get(ref);
    }

    SecretReader reader(SecretRef ref) {
      return readers.computeIfAbsent(ref, this::create);
    }

    private SecretReader create(SecretRef ref) {
      SecretSource source = factory.apply(ref);
      if (source instanceof TokenSource tokens) {
        return new TokenReader(
            tokens,
            SecretSources.kind(ref),
            blockingExecutor,
            ticker,
            settings.cacheTtl(),
            metrics);
      }
      if (source.remote()) {
        return new CachedSecretReader(
            source, blockingExecutor, ticker, settings.cacheTtl(), settings.staleGrace());
      }
      return new DirectSecretReader(source, blockingExecutor, ticker);
    }
  }
}
