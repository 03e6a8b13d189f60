package dev.keyrelay.operator.egress;

import dev.keyrelay.operator.api.v1alpha1.EgressPolicy;

/** The egress rules a namespace's sidecars get: its valid EgressPolicy over the cluster default. */
public final class NamespaceEgress {

  private NamespaceEgress() {}

  /**
   * @param policy the namespace's EgressPolicy named default, or null when there is none
   * @return the default when the policy is absent, being deleted or invalid; otherwise the merge
   */
  public static EgressRules effective(EgressRules clusterDefault, EgressPolicy policy) {
    if (policy == null
        || policy.getMetadata().getDeletionTimestamp() != null
        || !EgressPolicyValidator.validate(policy).isEmpty()) {
      return clusterDefault;
    }
    return clusterDefault.overriddenBy(EgressRules.of(policy.getSpec()));
  }
}
