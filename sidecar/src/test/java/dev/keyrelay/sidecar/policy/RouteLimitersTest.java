package dev.keyrelay.sidecar.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteLimitersTest {

  @Test
  void aReloadWithTheSameLimitsKeepsTheSpentBudgetAndNewLimitsStartAfresh() {
    RouteLimiters limiters = new RouteLimiters();
    RouteLimiter first = limiters.forRoute("api", new RouteLimits(1, 0));
    assertThat(first.tryAcquire().admitted()).isTrue();

    RouteLimiter again = limiters.forRoute("api", new RouteLimits(1, 0));
    assertThat(again).isSameAs(first);
    assertThat(again.tryAcquire().admitted()).as("the budget stays spent").isFalse();

    RouteLimiter changed = limiters.forRoute("api", new RouteLimits(2, 0));
    assertThat(changed).isNotSameAs(first);
    assertThat(changed.tryAcquire().admitted()).isTrue();
    assertThat(limiters.forRoute("other", new RouteLimits(1, 0))).isNotSameAs(changed);
  }
}
