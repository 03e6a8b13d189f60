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
 * One credential route (HTTP) or listener (PostgreSQL) that injected sidecars in its namespace
 * serve.
 */
@Group(CredentialRouteNames.GROUP)
@Version(CredentialRouteNames.VERSION)
@Kind(CredentialRouteNames.KIND)
@Plural(CredentialRouteNames.PLURAL)
@ShortNames(CredentialRouteNames.SHORT_NAME)
@AdditionalPrinterColumn(
    name = "Host",
    jsonPath = ".spec.http.host",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Listen",
    jsonPath = ".spec.postgres.listenPort",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Auth",
    jsonPath = ".spec.http.auth.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Secret",
    jsonPath = ".spec.secret.kubernetes.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Vault",
    jsonPath = ".spec.secret.vault.path",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
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
    value =
        "self.metadata.name.size() <= "
            + CredentialRouteNames.ROUTE_NAME_MAX_LENGTH
            + " && self.metadata.name.matches('"
            + CredentialRouteNames.ROUTE_NAME_PATTERN
            + "')",
    message = CredentialRouteNames.ROUTE_NAME_RULE_MESSAGE)
public class CredentialRoute extends CustomResource<CredentialRouteSpec, CredentialRouteStatus>
    implements Namespaced {}
