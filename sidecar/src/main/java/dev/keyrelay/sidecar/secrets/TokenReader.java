package dev.keyrelay.sidecar.secrets;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Keeps an issued token while it is usable: until its expiry minus a skew (the source's maximum, or
 * a tenth of the lifetime when that is less). From a third of the usable time before that end (a
 * minute at most) a request that finds the token starts one refresh in the background and still
 * gets the current token, so refreshes cost no request a wait. Concurrent requests without a usable
 * token share one fetch. A token past its usable end is never handed out: while the issuer is down
 * requests then fail closed.
 */
final class TokenReader implements SecretReader {

  private static final long MAX_REFRESH_AHEAD = Duration.ofMinutes(1).toNanos();

  /** After a failed refresh, the next background attempt waits this long. */
  private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

  private final TokenSource source;
  private final String kind;
  private final Executor blockingExecutor;
  private final LongSupplier ticker;
  private final Duration unknownLifetime;
  private final SecretMetrics metrics;
  private Token current; // guarded by this
  private CompletableFuture<Token> inflight; // guarded by this
  private long quietUntil; // guarded by this

  /**
   * @param unknownLifetime how long a token is kept when its issuer does not say
   */
  TokenReader(
      TokenSource source,
      String kind,
      Executor blockingExecutor,
      LongSupplier ticker,
      Duration unknownLifetime,
      SecretMetrics metrics) {
    this.source = source;
    this.kind = kind;
    this.blockingExecutor = blockingExecutor;
    this.ticker = ticker;
    this.unknownLifetime = unknownLifetime;
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<SecretRead> read(String route) {
    CompletableFuture<Token> fetch;
    synchronized (this) {
      long now = ticker.getAsLong();
      if (current != null && now - current.usableUntil() < 0) {
        if (now - current.refreshFrom() >= 0 && inflight == null && now - quietUntil >= 0) {
          inflight = start(route);
        }
        return CompletableFuture.completedFuture(
            new SecretRead(current.value(), current.issuedAt(), SecretRead.Outcome.CACHED));
      }
      if (inflight == null) {
        inflight = start(route);
      }
      fetch = inflight;
    }
    return fetch.thenApply(
        token -> new SecretRead(token.value(), token.issuedAt(), SecretRead.Outcome.FETCHED));
  }

  @Override
  public Runnable hold(SecretValue value) {
    return source.hold(value);
  }

  /**
   * Forgets the token when it is {@code rejected}, e.g. after the upstream answered 401 to it, so
   * that the next read fetches a new one.
   */
  synchronized void reject(SecretValue rejected) {
    if (current != null && current.value().equals(rejected)) {
      current = null;
    }
  }

  private CompletableFuture<Token> start(String route) {
    CompletableFuture<Token> fetch = new CompletableFuture<>();
    try {
      blockingExecutor.execute(() -> fetch(fetch, route));
    } catch (RejectedExecutionException e) {
      fetch.completeExceptionally(Unavailability.of(source, e));
      return fetch;
    }
    return fetch;
  }

  private void fetch(CompletableFuture<Token> fetch, String route) {
    long asked = ticker.getAsLong();
    Token token = null;
    Exception failure;
    try {
      IssuedToken issued = source.issue();
      if (issued.lifetime() != null
          && (issued.lifetime().isNegative() || issued.lifetime().isZero())) {
        throw new SecretStoreDownException(source.describe() + " issued an expired token");
      }
      token = Token.of(issued, asked, unknownLifetime, source.maxSkew());
      failure = null;
    } catch (SecretUnavailableException e) {
      failure = e;
    } catch (RuntimeException e) {
      // An issuer answering nonsense is treated like one that is down.
      failure = new SecretStoreDownException(Unavailability.of(source, e).getMessage());
    }
    synchronized (this) {
      if (inflight == fetch) {
        inflight = null;
      }
      if (token != null) {
        current = token;
      } else {
        quietUntil = ticker.getAsLong() + RETRY_NANOS;
      }
    }
    if (token != null) {
      metrics.refresh(route, kind, "ok");
      fetch.complete(token);
    } else {
      metrics.refresh(
          route, kind, failure instanceof SecretStoreDownException ? "failed" : "rejected");
      fetch.completeExceptionally(failure);
    }
  }

  /** A token and the ticker times that bound its use. */
  private record Token(SecretValue value, long issuedAt, long refreshFrom, long usableUntil) {

    static Token of(IssuedToken issued, long askedAt, Duration unknownLifetime, Duration maxSkew) {
      long lifetime = (issued.lifetime() == null ? unknownLifetime : issued.lifetime()).toNanos();
      long usable = lifetime - Math.min(maxSkew.toNanos(), lifetime / 10);
      long ahead = Math.min(MAX_REFRESH_AHEAD, usable / 3);
      return new Token(issued.value(), askedAt, askedAt + usable - ahead, askedAt + usable);
    }
  }
}
