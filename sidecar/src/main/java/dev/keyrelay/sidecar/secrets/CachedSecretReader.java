package dev.keyrelay.sidecar.secrets;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Caches a remote source's value for the TTL. Concurrent misses share one fetch, and waiting
 * requests hold no thread. During an outage ({@link SecretStoreDownException}) the last value
 * serves until TTL + grace after it was fetched, then requests fail closed; a definite "no" from
 * the store fails at once and drops the cached value.
 */
final class CachedSecretReader implements SecretReader {

  private final SecretSource source;
  private final Executor blockingExecutor;
  private final LongSupplier ticker;
  private final long ttlNanos;
  private final long graceNanos;
  private Fetched last; // guarded by this
  private CompletableFuture<Fetched> inflight; // guarded by this

  CachedSecretReader(
      SecretSource source,
      Executor blockingExecutor,
      LongSupplier ticker,
      Duration ttl,
      Duration grace) {
    this.source = source;
    this.blockingExecutor = blockingExecutor;
    this.ticker = ticker;
    this.ttlNanos = ttl.toNanos();
    this.graceNanos = grace.toNanos();
  }

  @Override
  public CompletableFuture<SecretRead> read(String route) {
    CompletableFuture<Fetched> fetch;
    synchronized (this) {
      if (last != null && ticker.getAsLong() - last.atNanos() < ttlNanos) {
        return CompletableFuture.completedFuture(
            new SecretRead(last.value(), last.atNanos(), SecretRead.Outcome.CACHED));
      }
      if (inflight == null) {
        inflight = new CompletableFuture<>();
        startFetch(inflight);
      }
      fetch = inflight;
    }
    return fetch.handle(this::afterFetch);
  }

  private void startFetch(CompletableFuture<Fetched> fetch) {
    try {
      blockingExecutor.execute(() -> fetch(fetch));
    } catch (RejectedExecutionException e) {
      inflight = null;
      fetch.completeExceptionally(Unavailability.of(source, e));
    }
  }

  private void fetch(CompletableFuture<Fetched> fetch) {
    Fetched fetched = null;
    Exception failure;
    try {
      fetched = new Fetched(source.read(), ticker.getAsLong());
      failure = null;
    } catch (SecretUnavailableException e) {
      failure = e;
    } catch (RuntimeException e) {
      // A store answering nonsense is treated like a store that is down.
      failure = new SecretStoreDownException(Unavailability.of(source, e).getMessage());
    }
    synchronized (this) {
      inflight = null;
      if (fetched != null) {
        last = fetched;
      } else if (!(failure instanceof SecretStoreDownException)) {
        last = null;
      }
    }
    if (fetched != null) {
      fetch.complete(fetched);
    } else {
      fetch.completeExceptionally(failure);
    }
  }

  private SecretRead afterFetch(Fetched fetched, Throwable failure) {
    if (failure == null) {
      return new SecretRead(fetched.value(), fetched.atNanos(), SecretRead.Outcome.FETCHED);
    }
    Fetched stale;
    synchronized (this) {
      stale = last;
    }
    if (failure instanceof SecretStoreDownException
        && stale != null
        && ticker.getAsLong() - stale.atNanos() < ttlNanos + graceNanos) {
      return new SecretRead(stale.value(), stale.atNanos(), SecretRead.Outcome.STALE);
    }
    throw new CompletionException(failure);
  }

  private record Fetched(SecretValue value, long atNanos) {}
}
