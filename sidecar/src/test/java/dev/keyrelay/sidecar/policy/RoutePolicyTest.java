package dev.keyrelay.sidecar.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.PathNormalizer;
import dev.keyrelay.contract.PathPattern;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutePolicyTest {

  @Test
  void aRouteAllowsWhatSomeRuleAllows() throws Exception {
    RoutePolicy policy =
        new RoutePolicy(
            List.of(
                new RequestRule(
                    Set.of("GET", "HEAD"),
                    List.of(PathPattern.parse("/repos/acme/**"), PathPattern.parse("/user"))),
                new RequestRule(
                    Set.of("POST"), List.of(PathPattern.parse("/repos/acme/*/issues")))),
            RouteLimits.NONE);
    assertThat(policy.allows("GET", PathNormalizer.normalize("/user"))).isTrue();
    assertThat(policy.allows("HEAD", PathNormalizer.normalize("/repos/acme/x"))).isTrue();
    assertThat(policy.allows("POST", PathNormalizer.normalize("/user"))).isFalse();
    assertThat(policy.allows("POST", PathNormalizer.normalize("/repos/acme/x/issues"))).isTrue();
    assertThat(policy.allows("DELETE", PathNormalizer.normalize("/repos/acme/x"))).isFalse();
    assertThat(policy.allows("get", PathNormalizer.normalize("/user"))).isFalse();
    assertThat(RoutePolicy.OPEN.allows("DELETE", PathNormalizer.normalize("/x"))).isTrue();
  }
}
