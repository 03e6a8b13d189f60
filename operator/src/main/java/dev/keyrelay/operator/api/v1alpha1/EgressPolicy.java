package dev.keyrelay.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The egress policy of one namespace: what injected sidecars do with traffic that matches no route.
 * Merged with the cluster-wide default from the chart; see docs/operator/egresspolicy.md.
 */
@Group(CredentialRouteNames.GROUP)
@Version(CredentialRouteNames.VERSION)
@Kind(EgressPolicyNames.KIND)
@Plural(EgressPolicyNames.PLURAL)
@ShortNames(EgressPolicyNames.SHORT_NAME)
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.metadata.name == '" + EgressPolicyNames.SINGLETON_NAME + "'",
    message = EgressPolicyNames.NAME_RULE_MESSAGE)
@ValidationRule(value = "has(self.spec)", message = "spec is required, with at least spec.mode")
public class EgressPolicy extends CustomResource<EgressPolicySpec, EgressPolicyStatus>
    implements Namespaced {}
