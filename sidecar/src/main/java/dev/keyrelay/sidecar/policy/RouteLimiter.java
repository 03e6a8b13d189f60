package dev.keyrelay.sidecar.policy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The live counters behind one route's {@link RouteLimits}, shared by every connection: a token
 * bucket of {@code requestsPerMinute} tokens refilled evenly over the minute, and a count of
 * requests in flight. Called from every event loop; the bucket's critical section is a few
 * arithmetic operations.
 */
public final class RouteLimiter {

  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Admits everything; what requests of routes without limits hold. */
  public static final RouteLimiter UNLIMITED = new RouteLimiter(RouteLimits.NONE, () -> 0);

  /** The outcome of {@link #tryAcquire()}: admitted, or refused with what the headers say. */
  public record Outcome(Kind kind, int remaining, long retryAfterSeconds) {

    /** Which limit refused, or {@code ADMITTED}. */
    public enum Kind {
      ADMITTED,
      RATE,
      CONCURRENCY
    }

    public boolean admitted() {
      return kind == Kind.ADMITTED;
    }
  }

  private final RouteLimits limits;
  private final LongSupplier nanoTime;
  private final AtomicInteger inFlight = new AtomicInteger();
  // GCRA, the token bucket in one number: each request moves the theoretical arrival time one
  // interval on; a request that would move it more than a window ahead of now is refused.
  private final long interval;
  private final long window;
  private long arrival;

  public RouteLimiter(RouteLimits limits, LongSupplier nanoTime) {
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.interval = limits.requestsPerMinute() > 0 ? MINUTE_NANOS / limits.requestsPerMinute() : 0;
    this.window = interval * limits.requestsPerMinute();
    this.arrival = nanoTime.getAsLong();
  }

  public RouteLimits limits() {
    return limits;
  }

  /**
   * Takes a concurrency slot and a request of the budget, or neither. An admitted request must be
   * {@link #release() released} exactly once when it ends.
   */
  public Outcome tryAcquire() {
    if (limits.concurrent() > 0 && inFlight.incrementAndGet() > limits.concurrent()) {
      inFlight.decrementAndGet();
      return new Outcome(Outcome.Kind.CONCURRENCY, 0, 1);
    }
    if (limits.requestsPerMinute() == 0) {
      return new Outcome(Outcome.Kind.ADMITTED, -1, 0);
    }
    synchronized (this) {
      long now = nanoTime.getAsLong();
      long next = Math.max(arrival, now) + interval;
      long ahead = next - now;
      if (ahead <= window) {
        arrival = next;
        return new Outcome(Outcome.Kind.ADMITTED, (int) ((window - ahead) / interval), 0);
      }
      if (limits.concurrent() > 0) {
        inFlight.decrementAndGet();
      }
      return new Outcome(Outcome.Kind.RATE, 0, ceilSeconds(ahead - window));
    }
  }

  /** Ends an admitted request. */
  public void release() {
    if (limits.concurrent() > 0) {
      inFlight.decrementAndGet();
    }
  }

  /** Seconds until the whole budget is available again. */
  public synchronized long secondsUntilFull() {
    return ceilSeconds(Math.max(0, arrival - nanoTime.getAsLong()));
  }

  public int inFlight() {
    return inFlight.get();
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
