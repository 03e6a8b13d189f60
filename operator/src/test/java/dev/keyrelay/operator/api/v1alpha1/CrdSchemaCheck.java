package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the API server would check on admission, run locally: the OpenAPI schema of the committed
 * CRD (JSON Schema validation) and its CEL rules (cel-java with the strings extension, as
 * Kubernetes has). Lets tests show the schema and the Java validation agree.
 */
public final class CrdSchemaCheck {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addCompilerLibraries(CelExtensions.strings())
          .addRuntimeLibraries(CelExtensions.strings())
          .addVar("self", SimpleType.DYN)
          .build();

  private final JSONSchemaProps root;
  private final JsonSchema openApi;

  private CrdSchemaCheck(JSONSchemaProps root) throws Exception {
    this.root = root;
    this.openApi =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
            .getSchema(JSON.readTree(Serialization.asJson(root)));
  }

  public static CrdSchemaCheck committed() throws Exception {
    return of(CrdFiles.load(CrdFiles.COMMITTED));
  }

  /** The committed CRD of that name in crds/, such as {@code egresspolicies.keyrelay.dev}. */
  public static CrdSchemaCheck committed(String crdName) throws Exception {
    return of(CrdFiles.load(CrdFiles.COMMITTED.resolveSibling(crdName + ".yaml")));
  }

  static CrdSchemaCheck of(CustomResourceDefinition crd) throws Exception {
    return new CrdSchemaCheck(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
  }

  /** Every rejection the API server would give, as {@code path: message}; empty when admitted. */
  public List<String> validate(Object resource) throws Exception {
    JsonNode node = JSON.readTree(Serialization.asJson(resource));
    List<String> errors = new ArrayList<>();
    openApi.validate(node).forEach(m -> errors.add(m.getMessage()));
    if (errors.isEmpty()) {
      celRules("", root, JSON.convertValue(node, Object.class), errors);
    }
    return errors;
  }

  private static void celRules(
      String path, JSONSchemaProps schema, Object value, List<String> errors) throws Exception {
    if (value == null) {
      return;
    }
    if (schema.getXKubernetesValidations() != null) {
      for (ValidationRule rule : schema.getXKubernetesValidations()) {
        Object ok =
            CEL.createProgram(CEL.compile(rule.getRule()).getAst()).eval(Map.of("self", value));
        if (!Boolean.TRUE.equals(ok)) {
          errors.add(path + ": " + rule.getMessage());
        }
      }
    }
    if (value instanceof Map<?, ?> map && schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> p : schema.getProperties().entrySet()) {
        celRules(path + "." + p.getKey(), p.getValue(), map.get(p.getKey()), errors);
      }
    }
    if (value instanceof List<?> list && schema.getItems() != null) {
      for (int i = 0; i < list.size(); i++) {
        celRules(path + "[" + i + "]", schema.getItems().getSchema(), list.get(i), errors);
      }
    }
  }
}
