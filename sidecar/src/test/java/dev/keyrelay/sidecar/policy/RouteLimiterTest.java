package dev.keyrelay.sidecar.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouteLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void aMinuteBudgetIsSpentThenRefilledEvenly() {
    RouteLimiter limiter = new RouteLimiter(new RouteLimits(3, 0), now::get);
    assertThat(limiter.tryAcquire().remaining()).isEqualTo(2);
    assertThat(limiter.tryAcquire().remaining()).isEqualTo(1);
    assertThat(limiter.tryAcquire().remaining()).isZero();
    RouteLimiter.Outcome refused = limiter.tryAcquire();
    assertThat(refused.kind()).isEqualTo(RouteLimiter.Outcome.Kind.RATE);
    assertThat(refused.retryAfterSeconds()).isEqualTo(20);

    now.addAndGet(TimeUnit.SECONDS.toNanos(19));
    assertThat(limiter.tryAcquire().retryAfterSeconds()).isEqualTo(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(limiter.tryAcquire().admitted()).isTrue();
    assertThat(limiter.tryAcquire().admitted()).isFalse();

    now.addAndGet(TimeUnit.MINUTES.toNanos(10));
    assertThat(limiter.secondsUntilFull()).isZero();
    assertThat(limiter.tryAcquire().remaining()).as("never more than the budget").isEqualTo(2);
  }

  @Test
  void concurrencyIsHeldUntilReleasedAndARateRefusalHoldsNothing() {
    RouteLimiter limiter = new RouteLimiter(new RouteLimits(2, 1), now::get);
    assertThat(limiter.tryAcquire().admitted()).isTrue();
    assertThat(limiter.tryAcquire().kind()).isEqualTo(RouteLimiter.Outcome.Kind.CONCURRENCY);
    limiter.release();
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.tryAcquire().admitted()).isTrue();
    limiter.release();
    assertThat(limiter.tryAcquire().kind()).isEqualTo(RouteLimiter.Outcome.Kind.RATE);
    assertThat(limiter.inFlight()).as("the refused request holds no slot").isZero();
  }
}
