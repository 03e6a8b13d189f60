package dev.keyrelay.sidecar.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line per kind per interval, with the count of those held back; on a hand-moved clock. */
class LogThrottleTest {

  final AtomicLong now = new AtomicLong(1_000);
  final LogThrottle throttle = new LogThrottle(10, now::get);

  @Test
  void firstLineOfAKindPassesThenTheRestOfItsIntervalIsCounted() {
    assertThat(throttle.admit("not_tls")).isZero();
    assertThat(throttle.admit("not_tls")).isEqualTo(LogThrottle.SUPPRESSED);
    now.addAndGet(9);
    assertThat(throttle.admit("not_tls")).isEqualTo(LogThrottle.SUPPRESSED);

    now.addAndGet(1);
    assertThat(throttle.admit("not_tls")).as("held back since the last line").isEqualTo(2);
    assertThat(throttle.admit("not_tls")).isEqualTo(LogThrottle.SUPPRESSED);
  }

  @Test
  void kindsAreThrottledApart() {
    assertThat(throttle.admit("not_tls")).isZero();
    assertThat(throttle.admit("reset")).isZero();
    assertThat(throttle.admit("not_tls")).isEqualTo(LogThrottle.SUPPRESSED);
    assertThat(throttle.admit("reset")).isEqualTo(LogThrottle.SUPPRESSED);
  }

  @Test
  void aClockThatStartsNegativeStillLetsTheFirstLineThrough() {
    now.set(Long.MIN_VALUE + 5);
    assertThat(throttle.admit("x")).isZero();
    now.addAndGet(10);
    assertThat(throttle.admit("x")).isZero();
  }
}
