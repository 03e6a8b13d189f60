package dev.keyrelay.sidecar.secrets;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lease of Vault database credentials and the sessions that use it. While a session holds it,
 * the lease is renewed once two thirds of its remaining time have passed, asking for its first
 * duration again each time, until Vault stops extending it (the role's {@code max_ttl}) or refuses.
 * Renewals run on the blocking executor; holding and releasing never block.
 */
final class DatabaseLease {

  private static final Logger log = LoggerFactory.getLogger(DatabaseLease.class);

  /** The shortest wait between renewals, so that a lease about to end is not renewed in a loop. */
  private static final Duration MIN_DELAY = Duration.ofMillis(250);

  /** Asks Vault to renew a lease; answers the time Vault granted from now. */
  interface Renewer {
    Duration renew(String leaseId, Duration increment) throws SecretUnavailableException;
  }

  private final String leaseId;
  private final String user;
  private final Duration duration;
  private final boolean renewable;
  private final Renewer renewer;
  private final Executor executor;
  private final Clock clock;
  private Instant expiresAt; // guarded by this
  private int holders; // guarded by this
  private boolean scheduled; // guarded by this
  private boolean settled; // guarded by this: Vault will not extend it any further

  DatabaseLease(
      String leaseId,
      String user,
      Duration duration,
      boolean renewable,
      Renewer renewer,
      Executor executor,
      Clock clock) {
    this.leaseId = leaseId;
    this.user = user;
    this.duration = duration;
    this.renewable = renewable;
    this.renewer = renewer;
    this.executor = executor;
    this.clock = clock;
    this.expiresAt = clock.instant().plus(duration);
  }

  /** Counts one more session; the returned action ends its use (running it again does nothing). */
  Runnable hold() {
    synchronized (this) {
      holders++;
      if (renewable && !scheduled && !settled) {
        scheduled = true;
        schedule(delay());
      }
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release();
      }
    };
  }

  /** Whether no session uses it and it has run out, so nothing needs to remember it. */
  synchronized boolean unusedAndExpired(Instant now) {
    return holders == 0 && !now.isBefore(expiresAt);
  }

  private synchronized void release() {
    holders--;
  }

  private void schedule(Duration delay) {
    try {
      CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, executor)
          .execute(this::renew);
    } catch (RejectedExecutionException shuttingDown) {
      synchronized (this) {
        scheduled = false;
      }
    }
  }

  private void renew() {
    Instant before;
    synchronized (this) {
      if (holders == 0) {
        scheduled = false;
        return;
      }
      before = expiresAt;
    }
    Instant now = clock.instant();
    try {
      Instant next = now.plus(renewer.renew(leaseId, duration));
      synchronized (this) {
        if (!next.isAfter(before.plus(tolerance()))) {
          settled = true;
          scheduled = false;
          log.info(
              "vault no longer extends the database lease; its sessions end when vault revokes it {} {}",
              kv("user", user),
              kv("expires", next.toString()));
          return;
        }
        expiresAt = next;
      }
      log.debug("vault database lease renewed {} {}", kv("user", user), kv("expires", next));
      schedule(delay());
    } catch (SecretStoreDownException e) {
      if (!now.isBefore(before)) {
        giveUp("the lease expired while vault could not be reached: " + e.getMessage());
        return;
      }
      log.warn(
          "vault database lease not renewed yet, retrying {} {}",
          kv("user", user),
          kv("reason", e.getMessage()));
      schedule(delay());
    } catch (SecretUnavailableException e) {
      giveUp(e.getMessage());
    }
  }

  private void giveUp(String reason) {
    synchronized (this) {
      settled = true;
      scheduled = false;
    }
    log.warn(
        "vault database lease will not be renewed; its sessions end when vault revokes it {} {}",
        kv("user", user),
        kv("reason", reason));
  }

  /** Vault answers whole seconds: an extension smaller than this is rounding, not an extension. */
  private Duration tolerance() {
    Duration tenth = duration.dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? tenth : Duration.ofSeconds(1);
  }

  private synchronized Duration delay() {
    Duration remaining = Duration.between(clock.instant(), expiresAt);
    Duration twoThirds = remaining.multipliedBy(2).dividedBy(3);
    return twoThirds.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : twoThirds;
  }
}
