package dev.keyrelay.operator.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.operator.api.v1alpha1.EgressMode;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** How a namespace's policy merges over the cluster default and what the sidecar gets. */
class EgressRulesTest {

  static final EgressRules CLUSTER =
      new EgressRules(
          EgressMode.ALLOW_LIST,
          List.of("*.openai.com", "api.anthropic.com"),
          List.of("*.pastebin.com"),
          List.of("10.96.0.0/12"));

  @Test
  void withoutAPolicyTheNamespaceGetsTheDefaultAndTheMetadataBlock() {
    EgressRules rules = NamespaceEgress.effective(CLUSTER, null);

    assertThat(rules.sidecarBlock())
        .isEqualTo(
            Map.of(
                "exceptions", List.of("10.96.0.0/12"),
                "allowList", List.of("*.openai.com", "api.anthropic.com", "10.96.0.0/12"),
                "blockList",
                    List.of(
                        "*.pastebin.com",
                        "169.254.169.254/32",
                        "fd00:ec2::254/128",
                        "metadata.google.internal")));
  }

  @Test
  void aPolicyReplacesModeAllowAndExceptionsButOnlyAddsToTheBlockList() {
    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(EgressMode.OPEN);
    spec.setBlock(List.of("*.example.net", "*.pastebin.com"));

    EgressRules rules = NamespaceEgress.effective(CLUSTER, policy("default", spec));

    assertThat(rules.mode()).isEqualTo(EgressMode.OPEN);
    assertThat(rules.allow()).isEmpty();
    assertThat(rules.exceptions()).isEmpty();
    assertThat(rules.block()).containsExactly("*.pastebin.com", "*.example.net");
    // open: no allowList key at all, so the sidecar allows every public destination not blocked
    assertThat(rules.sidecarBlock()).doesNotContainKeys("allowList", "exceptions");
  }

  @Test
  void aPolicyCannotUnblockTheMetadataEndpointsEvenAsAnException() {
    EgressPolicySpec spec = new EgressPolicySpec();
    spec.setMode(EgressMode.OPEN);
    spec.setExceptions(List.of("169.254.0.0/16"));

    Map<String, Object> sidecar =
        NamespaceEgress.effective(EgressRules.OPEN, policy("default", spec)).sidecarBlock();

    assertThat(sidecar.get("exceptions")).isEqualTo(List.of("169.254.0.0/16"));
    assertThat(sidecar)
        .extractingByKey("blockList")
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .contains("169.254.169.254/32");
  }

  @Test
  void anInvalidOrMisnamedOrDeletedPolicyLeavesTheDefault() {
    EgressPolicySpec bad = new EgressPolicySpec();
    bad.setMode(EgressMode.OPEN);
    bad.setBlock(List.of("10.0.0.1/8"));
    EgressPolicySpec good = new EgressPolicySpec();
    good.setMode(EgressMode.OPEN);
    EgressPolicy deleted = policy("default", good);
    deleted.getMetadata().setDeletionTimestamp("2026-12-02T10:00:00Z");

    assertThat(NamespaceEgress.effective(CLUSTER, policy("default", bad))).isEqualTo(CLUSTER);
    assertThat(NamespaceEgress.effective(CLUSTER, policy("team-a", good))).isEqualTo(CLUSTER);
    assertThat(NamespaceEgress.effective(CLUSTER, deleted)).isEqualTo(CLUSTER);
  }

  static EgressPolicy policy(String name, EgressPolicySpec spec) {
    EgressPolicy policy = new EgressPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
    policy.setSpec(spec);
    return policy;
  }
}
