package dev.keyrelay.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.config.PodSelector.Operator;
import dev.keyrelay.sidecar.config.PodSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kubernetes label-selector semantics, case by case. */
class PodSelectorTest {

  private static final Map<String, String> POD = Map.of("app", "agent", "tier", "gold");

  @Test
  void anEmptySelectorSelectsEveryPodEvenOneWithoutLabels() {
    assertThat(PodSelector.EVERY_POD.matches(POD)).isTrue();
    assertThat(PodSelector.EVERY_POD.matches(Map.of())).isTrue();
  }

  @Test
  void matchLabelsNeedsEveryPairWithTheExactValue() {
    assertThat(labels(Map.of("app", "agent")).matches(POD)).isTrue();
    assertThat(labels(Map.of("app", "agent", "tier", "gold")).matches(POD)).isTrue();
    assertThat(labels(Map.of("app", "agent", "tier", "silver")).matches(POD)).isFalse();
    assertThat(labels(Map.of("app", "Agent")).matches(POD)).isFalse();
    assertThat(labels(Map.of("team", "a")).matches(POD)).isFalse();
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    "tier, In, gold|silver, true",
    "tier, In, silver, false",
    "team, In, a, false",
    "tier, NotIn, silver, true",
    "tier, NotIn, gold|silver, false",
    // A pod without the key is selected by NotIn, as in Kubernetes.
    "team, NotIn, a, true",
    "tier, Exists, '', true",
    "team, Exists, '', false",
    "tier, DoesNotExist, '', false",
    "team, DoesNotExist, '', true",
  })
  void expressions(String key, String operator, String values, boolean selected) {
    Operator op =
        List.of(Operator.values()).stream()
            .filter(o -> o.spelling().equals(operator))
            .findFirst()
            .orElseThrow();
    Set<String> set = values.isEmpty() ? Set.of() : Set.of(values.split("\\|"));
    PodSelector selector = new PodSelector(Map.of(), List.of(new Requirement(key, op, set)));

    assertThat(selector.matches(POD)).isEqualTo(selected);
  }

  @Test
  void labelsAndExpressionsMustAllHold() {
    PodSelector selector =
        new PodSelector(
            Map.of("app", "agent"),
            List.of(
                new Requirement("tier", Operator.IN, Set.of("gold")),
                new Requirement("debug", Operator.DOES_NOT_EXIST, Set.of())));

    assertThat(selector.matches(POD)).isTrue();
    assertThat(selector.matches(Map.of("app", "agent", "tier", "gold", "debug", "1"))).isFalse();
    assertThat(selector.matches(Map.of("app", "other", "tier", "gold"))).isFalse();
  }

  private static PodSelector labels(Map<String, String> matchLabels) {
    return new PodSelector(matchLabels, List.of());
  }
}
