package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.keyrelay.operator.inject.InjectionAnnotations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the CEL of the rendered webhook configuration and admission policy against the
 * operator's golden pods: the policy admits injected pods and pods that did not opt in, and refuses
 * opted-in pods the webhook did not reach; the webhook only ever sees annotated pods.
 */
class AdmissionPolicyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .build();

  private final Manifests manifests = Install.DEFAULTS.manifests();

  private static boolean eval(String expression, JsonNode pod) throws Exception {
    Map<?, ?> object = JSON.convertValue(pod, Map.class);
    return (Boolean)
        CEL.createProgram(CEL.compile(expression).getAst()).eval(Map.of("object", object));
  }

  /** True when the policy lets the pod through. */
  private boolean admits(JsonNode pod) throws Exception {
    ValidatingAdmissionPolicy policy = requireSidecar(manifests);
    if (!eval(policy.getSpec().getMatchConditions().get(0).getExpression(), pod)) {
      return true;
    }
    return eval(policy.getSpec().getValidations().get(0).getExpression(), pod);
  }

  private static final String REQUIRE_SIDECAR = "keyrelay-require-sidecar";

  private static ValidatingAdmissionPolicy requireSidecar(Manifests from) {
    return from.named(ValidatingAdmissionPolicy.class, REQUIRE_SIDECAR);
  }

  private MutatingWebhook webhook(Manifests from) {
    return from.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
  }

  @Test
  void injectedPodsInBothModesAreAdmitted() throws Exception {
    assertThat(admits(GoldenPods.tree("agent-pod.expected.yaml"))).isTrue();
    assertThat(admits(GoldenPods.tree("job-pod.expected.yaml"))).isTrue();
    assertThat(admits(GoldenPods.tree("enforced-pod.expected.yaml"))).isTrue();
  }

  @Test
  void podsThatDidNotOptInAreAdmitted() throws Exception {
    assertThat(admits(GoldenPods.tree("plain-pod.yaml"))).isTrue();
    ObjectNode optedOut = (ObjectNode) GoldenPods.tree("agent-pod.yaml");
    ((ObjectNode) optedOut.at("/metadata/annotations")).put(InjectionAnnotations.INJECT, "false");
    assertThat(admits(optedOut)).isTrue();
  }

  @Test
  void optedInPodsWithoutTheSidecarAreRefusedWithAMessageNamingTheWebhook() throws Exception {
    assertThat(admits(GoldenPods.tree("agent-pod.yaml"))).isFalse();
    assertThat(admits(GoldenPods.tree("job-pod.yaml"))).isFalse();
    ValidatingAdmissionPolicy policy = requireSidecar(manifests);
    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
    assertThat(policy.getSpec().getValidations().get(0).getMessage())
        .contains("keyrelay-webhook")
        .contains(HelmChart.NAMESPACE);
    ValidatingAdmissionPolicyBinding binding =
        manifests.named(ValidatingAdmissionPolicyBinding.class, REQUIRE_SIDECAR);
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(policy.getMetadata().getName());
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
  }

  @Test
  void theWebhookIsCalledOnlyForAnnotatedPodsAndIgnoresItsFailures() throws Exception {
    MutatingWebhook hook = webhook(manifests);
    assertThat(hook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(hook.getObjectSelector()).isNull();
    String condition = hook.getMatchConditions().get(0).getExpression();
    assertThat(eval(condition, GoldenPods.tree("agent-pod.yaml"))).isTrue();
    assertThat(eval(condition, GoldenPods.tree("job-pod.yaml"))).isTrue();
    assertThat(eval(condition, GoldenPods.tree("plain-pod.yaml"))).isFalse();
  }

  @Test
  void thePolicyLooksOnlyWhereTheWebhookInjects() {
    for (Install install : new Install[] {Install.DEFAULTS, Install.WATCHED_NAMESPACES}) {
      Manifests m = install.manifests();
      assertThat(requireSidecar(m).getSpec().getMatchConstraints().getNamespaceSelector())
          .as(install.name())
          .isEqualTo(webhook(m).getNamespaceSelector());
    }
    var expressions =
        webhook(Install.WATCHED_NAMESPACES.manifests())
            .getNamespaceSelector()
            .getMatchExpressions();
    assertThat(expressions)
        .anySatisfy(
            e -> {
              assertThat(e.getOperator()).isEqualTo("In");
              assertThat(e.getValues()).containsExactly("team-a", "team-b");
            });
  }

  @Test
  void withoutAdmissionPoliciesTheWebhookSeesOnlyLabelledPodsAndFailsClosed() {
    Manifests m = Install.WITHOUT_ADMISSION_POLICY.manifests();
    assertThat(m.all(ValidatingAdmissionPolicy.class)).isEmpty();
    assertThat(m.all(ValidatingAdmissionPolicyBinding.class)).isEmpty();
    MutatingWebhook hook = webhook(m);
    assertThat(hook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(hook.getMatchConditions()).isEmpty();
    assertThat(hook.getObjectSelector().getMatchLabels())
        .isEqualTo(Map.of(InjectionAnnotations.INJECT, "true"));
    assertThat(hook.getObjectSelector().getMatchExpressions()).isEmpty();
  }
}
