package dev.keyrelay.operator.egress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.contract.RoutesConfigMap;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;
import dev.keyrelay.operator.api.v1alpha1.EgressPolicyStatus;
import dev.keyrelay.operator.config.Yaml;
import dev.keyrelay.operator.route.Conditions;
import dev.keyrelay.operator.route.Violation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a policy's checks and the namespace's published ConfigMap into its conditions: Valid,
 * Published (the ConfigMap's {@code egress:} block is the one this policy gives) and Ready.
 */
final class EgressPolicyStatusComposer {

  private static final String CM = "ConfigMap " + RoutesConfigMap.NAME;

  /** The Published reason while the ConfigMap does not carry the policy yet. */
  static final String PENDING = "Pending";

  private EgressPolicyStatusComposer() {}

  static EgressPolicyStatus compose(
      EgressPolicy policy,
      List<Violation> violations,
      EgressRules effective,
      Optional<ConfigMap> published,
      Instant now) {
    Condition valid =
        violations.isEmpty()
            ? Conditions.of(Conditions.VALID, true, "Valid", "The policy passes every check")
            : Conditions.of(
                Conditions.VALID,
                false,
                violations.stream().anyMatch(v -> v.field().equals("metadata.name"))
                    ? "NotDefault"
                    : "Invalid",
                violations.stream().map(Violation::toString).collect(Collectors.joining("; "))
                    + "; the namespace keeps the cluster default");
    Condition publishedCondition = published(violations.isEmpty(), effective, published);
    Condition ready =
        Stream.of(valid, publishedCondition)
            .filter(c -> Conditions.FALSE.equals(c.getStatus()))
            .findFirst()
            .map(c -> Conditions.of(Conditions.READY, false, c.getReason(), c.getMessage()))
            .orElse(
                Conditions.of(
                    Conditions.READY, true, "Ready", "Applied by the namespace's sidecars"));
    long generation =
        policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
    List<Condition> previous =
        policy.getStatus() == null ? null : policy.getStatus().getConditions();
    EgressPolicyStatus status = new EgressPolicyStatus();
    status.setObservedGeneration(generation);
    status.setConditions(
        Stream.of(valid, publishedCondition, ready)
            .map(c -> Conditions.stamp(c, previous, generation, now))
            .toList());
    return status;
  }

  private static Condition published(
      boolean valid, EgressRules effective, Optional<ConfigMap> configMap) {
    if (!valid) {
      return Conditions.of(
          Conditions.PUBLISHED, false, "NotPublished", "Left out of " + CM + " until it is valid");
    }
    if (configMap.isEmpty()) {
      return Conditions.of(
          Conditions.PUBLISHED,
          false,
          "NoRoutes",
          "The namespace has no accepted CredentialRoute, so there is no "
              + CM
              + "; the policy is rendered into it with the first route");
    }
    JsonNode want = Yaml.MAPPER.valueToTree(effective.sidecarBlock());
    if (!want.equals(egressBlock(configMap.get()))) {
      return Conditions.of(
          Conditions.PUBLISHED, false, PENDING, CM + " does not carry this policy yet");
    }
    return Conditions.of(Conditions.PUBLISHED, true, "Published", "In " + CM);
  }

  private static JsonNode egressBlock(ConfigMap configMap) {
    String routes =
        configMap.getData() == null ? null : configMap.getData().get(RoutesConfigMap.ROUTES_KEY);
    if (routes == null) {
      return null;
    }
    try {
      return Yaml.MAPPER.readTree(routes).get("egress");
    } catch (IOException e) {
      return null;
    }
  }
}
