package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.keyrelay.operator.inject.InjectFixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the CEL of {@code deploy/injection-admission.yaml} locally: the policy admits injected
 * pods and pods that did not opt in, and refuses opted-in pods the webhook did not reach.
 */
class AdmissionPolicyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .build();

  private static List<HasMetadata> manifests() throws Exception {
    String yaml = Files.readString(Path.of("../deploy/injection-admission.yaml"));
    return new KubernetesSerialization().unmarshal(yaml);
  }

  private static ValidatingAdmissionPolicy policy() throws Exception {
    return manifests().stream()
        .filter(ValidatingAdmissionPolicy.class::isInstance)
        .map(ValidatingAdmissionPolicy.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static boolean eval(String expression, JsonNode pod) throws Exception {
    Map<?, ?> object = JSON.convertValue(pod, Map.class);
    return (Boolean)
        CEL.createProgram(CEL.compile(expression).getAst()).eval(Map.of("object", object));
  }

  /** True when the policy lets the pod through. */
  private static boolean admits(JsonNode pod) throws Exception {
    ValidatingAdmissionPolicy policy = policy();
    if (!eval(policy.getSpec().getMatchConditions().get(0).getExpression(), pod)) {
      return true;
    }
    return eval(policy.getSpec().getValidations().get(0).getExpression(), pod);
  }

  @Test
  void injectedPodsInBothModesAreAdmitted() throws Exception {
    assertThat(admits(InjectFixtures.tree("agent-pod.expected.yaml"))).isTrue();
    assertThat(admits(InjectFixtures.tree("job-pod.expected.yaml"))).isTrue();
  }

  @Test
  void podsThatDidNotOptInAreAdmitted() throws Exception {
    assertThat(admits(InjectFixtures.tree("plain-pod.yaml"))).isTrue();
    ObjectNode optedOut = (ObjectNode) InjectFixtures.tree("agent-pod.yaml");
    ((ObjectNode) optedOut.at("/metadata/annotations")).put("keyrelay.dev/inject", "false");
    assertThat(admits(optedOut)).isTrue();
  }

  @Test
  void optedInPodsWithoutTheSidecarAreRefused() throws Exception {
    assertThat(admits(InjectFixtures.tree("agent-pod.yaml"))).isFalse();
    assertThat(admits(InjectFixtures.tree("job-pod.yaml"))).isFalse();
  }

  @Test
  void theWebhookIsCalledOnlyForAnnotatedPodsAndIgnoresFailures() throws Exception {
    MutatingWebhookConfiguration webhook =
        manifests().stream()
            .filter(MutatingWebhookConfiguration.class::isInstance)
            .map(MutatingWebhookConfiguration.class::cast)
            .findFirst()
            .orElseThrow();
    var hook = webhook.getWebhooks().get(0);
    assertThat(hook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(hook.getRules().get(0).getOperations()).containsExactly("CREATE");
    assertThat(hook.getClientConfig().getService().getPath()).isEqualTo(WebhookServer.PATH);
    String condition = hook.getMatchConditions().get(0).getExpression();
    assertThat(eval(condition, InjectFixtures.tree("agent-pod.yaml"))).isTrue();
    assertThat(eval(condition, InjectFixtures.tree("plain-pod.yaml"))).isFalse();
  }
}
