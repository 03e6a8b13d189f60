package dev.keyrelay.delivery.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.keyrelay.contract.RoutesConfigMap;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's guard on the routes ConfigMap: its CEL, evaluated for the users the API server would
 * name, lets only the operator's ServiceAccount (and the namespace controller) write it.
 */
class RoutesGuardPolicyTest {

  private static final String NAME = "keyrelay-routes-guard";
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("request", SimpleType.DYN)
          .build();

  private final Manifests manifests = Install.DEFAULTS.manifests();

  private boolean allows(String username) throws Exception {
    String expression =
        manifests
            .named(ValidatingAdmissionPolicy.class, NAME)
            .getSpec()
            .getValidations()
            .get(0)
            .getExpression();
    Map<String, Object> request = Map.of("userInfo", Map.of("username", username));
    return (Boolean)
        CEL.createProgram(CEL.compile(expression).getAst()).eval(Map.of("request", request));
  }

  @Test
  void onlyTheOperatorsServiceAccountAndTheNamespaceControllerMayWriteIt() throws Exception {
    assertThat(allows("system:serviceaccount:" + HelmChart.NAMESPACE + ":keyrelay-operator"))
        .isTrue();
    assertThat(allows("system:serviceaccount:kube-system:namespace-controller")).isTrue();
    assertThat(allows("system:serviceaccount:agents:coding-agent")).isFalse();
    assertThat(allows("system:serviceaccount:other-ns:keyrelay-operator")).isFalse();
    assertThat(allows("kubernetes-admin")).isFalse();
    assertThat(allows("system:admin")).isFalse();
  }

  @Test
  void itCoversCreateUpdateAndDeleteOfThatOneConfigMapAndDenies() {
    ValidatingAdmissionPolicy policy = manifests.named(ValidatingAdmissionPolicy.class, NAME);
    assertThat(policy.getSpec().getFailurePolicy()).isEqualTo("Fail");
    NamedRuleWithOperations rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
    assertThat(rule.getResources()).containsExactly("configmaps");
    assertThat(rule.getResourceNames()).containsExactly(RoutesConfigMap.NAME);
    assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
    assertThat(policy.getSpec().getValidations().get(0).getMessage())
        .contains("keyrelay-operator")
        .contains(HelmChart.NAMESPACE)
        .contains("CredentialRoutes");
    ValidatingAdmissionPolicyBinding binding =
        manifests.named(ValidatingAdmissionPolicyBinding.class, NAME);
    assertThat(binding.getSpec().getPolicyName()).isEqualTo(NAME);
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
  }

  @Test
  void aRenamedReleaseNamesItsOwnServiceAccount() {
    Manifests renamed = Install.DEFAULTS.manifestsWith(Map.of("fullnameOverride", "kr"));
    assertThat(
            renamed
                .named(ValidatingAdmissionPolicy.class, "kr-routes-guard")
                .getSpec()
                .getValidations()
                .get(0)
                .getExpression())
        .contains("system:serviceaccount:" + HelmChart.NAMESPACE + ":kr-operator'");
  }

  @Test
  void withoutAdmissionPoliciesThereIsNoGuard() {
    assertThat(Install.WITHOUT_ADMISSION_POLICY.manifests().all(ValidatingAdmissionPolicy.class))
        .isEmpty();
  }
}
