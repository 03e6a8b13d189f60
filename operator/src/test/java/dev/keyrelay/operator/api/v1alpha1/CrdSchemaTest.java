package dev.keyrelay.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD is a valid apiextensions.k8s.io/v1 definition that kubectl can display well.
 */
class CrdSchemaTest {

  private static CustomResourceDefinition crd;
  private static CustomResourceDefinitionVersion version;

  @BeforeAll
  static void load() throws Exception {
    crd = CrdFiles.load(CrdFiles.COMMITTED);
    version = crd.getSpec().getVersions().get(0);
  }

  @Test
  void namesTheResource() {
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getMetadata().getName()).isEqualTo(CredentialRouteNames.CRD_NAME);
    assertThat(crd.getSpec().getGroup()).isEqualTo(CredentialRouteNames.GROUP);
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo(CredentialRouteNames.KIND);
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("kcr");
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    assertThat(version.getName()).isEqualTo(CredentialRouteNames.VERSION);
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
  }

  @Test
  void hasTheStatusSubresource() {
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void hasPrinterColumnsForKubectlGet() {
    assertThat(version.getAdditionalPrinterColumns())
        .filteredOn(c -> c.getPriority() == 0)
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactlyInAnyOrder("Host", "Listen", "Auth", "Secret", "Ready", "Age");
    assertThat(version.getAdditionalPrinterColumns())
        .filteredOn(c -> c.getName().equals("Ready"))
        .singleElement()
        .extracting(CustomResourceColumnDefinition::getJsonPath)
        .isEqualTo(".status.conditions[?(@.type==\"Ready\")].status");
  }

  @Test
  void schemaIsStructural() {
    List<String> untyped = new ArrayList<>();
    collectUntyped("", version.getSchema().getOpenAPIV3Schema(), untyped);
    assertThat(untyped).as("schema nodes without a type").isEmpty();
  }

  @Test
  void everySpecFieldIsDescribed() {
    List<String> undescribed = new ArrayList<>();
    JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    collectUndescribed("spec", spec, undescribed);
    assertThat(undescribed).isEmpty();
  }

  @Test
  void carriesTheCelRules() {
    JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    JSONSchemaProps auth = spec.getProperties().get("http").getProperties().get("auth");
    assertThat(rules(spec)).contains("has(self.http) != has(self.postgres)");
    JSONSchemaProps secret = spec.getProperties().get("secret");
    assertThat(rules(secret))
        .contains(
            "[has(self.kubernetes), has(self.vault), has(self.oauth2), has(self.githubApp),"
                + " has(self.aws), has(self.awsWebIdentity), has(self.vaultDatabase)].filter(x, x)"
                + ".size() == 1");
    assertThat(String.join("\n", rules(spec))).contains("self.http.auth.type == 'awsSigV4'");
    assertThat(String.join("\n", rules(auth)))
        .contains("self.type != 'awsSigV4' || (has(self.service) && has(self.region))");
    assertThat(String.join("\n", rules(secret.getProperties().get("oauth2"))))
        .contains("self.grantType == 'client_credentials'");
    assertThat(rules(secret.getProperties().get("githubApp").getProperties().get("privateKey")))
        .contains("has(self.kubernetes) != has(self.vault)");
    assertThat(String.join("\n", rules(auth)))
        .contains("'proxy-authenticate'", "!= 'authorization' || has(self.scheme)");
    assertThat(spec.getProperties().get("postgres").getProperties().get("listenPort").getMinimum())
        .isEqualTo(1024.0);
  }

  private static List<String> rules(JSONSchemaProps node) {
    return node.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
  }

  private static void collectUntyped(String path, JSONSchemaProps node, List<String> out) {
    if (node.getType() == null && !Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      out.add(path.isEmpty() ? "<root>" : path);
    }
    children(node).forEach((name, child) -> collectUntyped(path + "." + name, child, out));
  }

  private static void collectUndescribed(String path, JSONSchemaProps node, List<String> out) {
    if (node.getProperties() == null) {
      return;
    }
    node.getProperties()
        .forEach(
            (name, child) -> {
              if (child.getDescription() == null || child.getDescription().isBlank()) {
                out.add(path + "." + name);
              }
              if (!name.equals("podSelector")) {
                collectUndescribed(path + "." + name, child, out);
              }
            });
  }

  private static Map<String, JSONSchemaProps> children(JSONSchemaProps node) {
    Map<String, JSONSchemaProps> children = new TreeMap<>();
    if (node.getProperties() != null) {
      children.putAll(node.getProperties());
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      children.put("[]", node.getItems().getSchema());
    }
    if (node.getAdditionalProperties() != null
        && node.getAdditionalProperties().getSchema() != null) {
      children.put("{}", node.getAdditionalProperties().getSchema());
    }
    return children;
  }
}
