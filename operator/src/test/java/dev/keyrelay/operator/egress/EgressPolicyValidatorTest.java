package dev.keyrelay.operator.egress;

import static dev.keyrelay.operator.egress.EgressRulesTest.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicySpec;
import dev.keyrelay.operator.route.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java checks name the field and say what to change. */
class EgressPolicyValidatorTest {

  @Test
  void aValidPolicyHasNoViolation() {
    EgressPolicySpec spec = spec(EgressMode.ALLOW_LIST);
    spec.setAllow(List.of("*.github.com", "api.anthropic.com:443"));
    spec.setBlock(List.of("gist.github.com"));
    spec.setExceptions(List.of("10.96.0.0/12"));

    assertThat(EgressPolicyValidator.validate(policy("default", spec))).isEmpty();
  }

  @Test
  void eachProblemIsReportedWithItsField() {
    EgressPolicySpec spec = spec(EgressMode.OPEN);
    spec.setAllow(List.of("api.github.com"));
    spec.setBlock(List.of("ok.example.com", "10.0.0.1/8"));
    spec.setExceptions(List.of("svc.cluster.local:99999"));

    assertThat(EgressPolicyValidator.validate(policy("team-a", spec)))
        .map(Violation::toString)
        .containsExactly(
            "metadata.name: metadata.name must be \"default\": a namespace has one EgressPolicy,"
                + " named default",
            "spec.allow: is used only with mode allowList; in mode open every destination that is"
                + " not blocked is reachable",
            "spec.block[1]: \"10.0.0.1/8\" has address bits set after the /8 prefix",
            "spec.exceptions[0]: port 99999 is out of range 1..65535");
  }

  @Test
  void modeAllowListNeedsAnEntryAndAModeIsRequired() {
    assertThat(EgressPolicyValidator.validate(policy("default", spec(EgressMode.ALLOW_LIST))))
        .map(Violation::toString)
        .containsExactly("spec.allow: mode allowList needs at least one allow entry");
    assertThat(EgressPolicyValidator.validate(policy("default", spec(null))))
        .map(Violation::toString)
        .containsExactly("spec.mode: is required: open or allowList");
    assertThat(EgressPolicyValidator.validate(policy("default", null)))
        .map(Violation::toString)
        .containsExactly("spec: is required");
  }

  private static EgressPolicySpec spec(EgressMode mode) {
    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(mode);
    return spec;
  }
}
