package dev.keyrelay.operator.route;

import dev.keyrelay.operator.api.v1alpha1.AuthType;
import dev.keyrelay.operator.api.v1alpha1.CredentialRoute;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteNames;
import dev.keyrelay.operator.api.v1alpha1.CredentialRouteSpec;
import dev.keyrelay.operator.api.v1alpha1.KeyRef;
import dev.keyrelay.operator.api.v1alpha1.KeySource;
import dev.keyrelay.operator.api.v1alpha1.SecretReference;
import dev.keyrelay.operator.api.v1alpha1.VaultDatabaseRef;
import dev.keyrelay.operator.api.v1alpha1.VaultRef;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks one CredentialRoute spec on its own: the CRD schema's rules again (a route may come from a
 * cluster without CEL, or from a file) plus what the schema cannot express.
 */
public final class RouteSpecValidator {

  private static final Set<String> SELECTOR_OPERATORS =
      Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private RouteSpecValidator() {}

  /** Every problem of the route's name and spec, each naming its field; empty when valid. */
  public static List<Violation> validate(CredentialRoute route) {
    Violations v = new Violations();
    String name = route.getMetadata().getName();
    v.check(
        name.length() <= CredentialRouteNames.ROUTE_NAME_MAX_LENGTH
            && name.matches(CredentialRouteNames.ROUTE_NAME_PATTERN),
        "metadata.name",
        "'"
            + name
            + "' is not a DNS label (at most 63 lower-case letters, digits and '-', no dots)");
    spec(route.getSpec(), v);
    return v.list();
  }

  /** Every problem of a spec on its own, each naming its field; empty when the spec is valid. */
  public static List<Violation> validate(CredentialRouteSpec spec) {
    Violations v = new Violations();
    spec(spec, v);
    return v.list();
  }

  private static void spec(CredentialRouteSpec spec, Violations v) {
    if (!v.required(spec, "spec")) {
      return;
    }
    boolean http = spec.getHttp() != null;
    boolean postgres = spec.getPostgres() != null;
    if (v.check(
        http != postgres, "spec", "exactly one of spec.http or spec.postgres must be set")) {
      if (http) {
        HttpRouteValidator.validate(spec.getHttp(), v);
      } else {
        PostgresListenerValidator.validate(
            spec.getPostgres(), SecretKeys.vaultDatabase(spec.getSecret()), v);
      }
    }
    secret(spec.getSecret(), v);
    v.check(
        !(postgres && SecretKeys.issued(spec.getSecret())),
        "spec.secret",
        "a PostgreSQL listener needs a stored password (kubernetes or vault) or vaultDatabase, not"
            + " an issued token");
    v.check(
        postgres || !SecretKeys.vaultDatabase(spec.getSecret()),
        "spec.secret.vaultDatabase",
        CredentialRouteSpec.VAULT_DATABASE_MESSAGE);
    boolean awsAuth =
        http
            && spec.getHttp().getAuth() != null
            && spec.getHttp().getAuth().getType() == AuthType.AWS_SIG_V4;
    if (awsAuth) {
      v.check(
          SecretKeys.aws(spec.getSecret()),
          "spec.secret",
          "auth type awsSigV4 needs secret aws or awsWebIdentity");
    } else {
      v.check(
          !SecretKeys.aws(spec.getSecret()),
          "spec.secret",
          "aws and awsWebIdentity are only for an HTTP route with auth type awsSigV4");
    }
    agentEnv(spec.getAgentEnv(), v);
    podSelector(spec.getPodSelector(), v);
  }

  static void keySource(KeySource source, String field, Violations v) {
    if (source == null) {
      return;
    }
    boolean configMap = source.getConfigMapKeyRef() != null;
    if (v.check(
        configMap != (source.getSecretKeyRef() != null),
        field,
        "exactly one of configMapKeyRef or secretKeyRef must be set")) {
      keyRef(
          configMap ? source.getConfigMapKeyRef() : source.getSecretKeyRef(),
          field + (configMap ? ".configMapKeyRef" : ".secretKeyRef"),
          v);
    }
  }

  private static void secret(SecretReference secret, Violations v) {
    if (!v.required(secret, "spec.secret")) {
      return;
    }
    long kinds =
        Stream.of(
                secret.getKubernetes(),
                secret.getVault(),
                secret.getOauth2(),
                secret.getGithubApp(),
                secret.getAws(),
                secret.getAwsWebIdentity(),
                secret.getVaultDatabase())
            .filter(Objects::nonNull)
            .count();
    if (!v.check(kinds == 1, "spec.secret", SecretReference.ONE_KIND_MESSAGE)) {
      return;
    }
    if (secret.getKubernetes() != null) {
      keyRef(secret.getKubernetes(), "spec.secret.kubernetes", v);
    } else if (secret.getVault() != null) {
      vaultRef(secret.getVault(), "spec.secret.vault", v);
    } else if (secret.getVaultDatabase() != null) {
      vaultDatabase(secret.getVaultDatabase(), "spec.secret.vaultDatabase", v);
    } else {
      IssuedSecretValidator.validate(secret, v);
    }
  }

  static void keyRef(KeyRef ref, String field, Violations v) {
    v.matches(ref.getName(), KeyRef.NAME_PATTERN, field + ".name", "a valid object name");
    v.matches(ref.getKey(), KeyRef.KEY_PATTERN, field + ".key", "a valid data key");
    v.maxLength(ref.getName(), KeyRef.MAX_LENGTH, field + ".name");
    v.maxLength(ref.getKey(), KeyRef.MAX_LENGTH, field + ".key");
  }

  static void vaultRef(VaultRef vault, String field, Violations v) {
    v.matches(vault.getPath(), "^[^\\s#?]+$", field + ".path", "a Vault path");
    v.maxLength(vault.getPath(), 1024, field + ".path");
    v.matches(vault.getField(), "^\\S+$", field + ".field", "a field name");
    v.maxLength(vault.getField(), 256, field + ".field");
  }

  private static void vaultDatabase(VaultDatabaseRef ref, String field, Violations v) {
    if (ref.getMount() != null) {
      v.matches(ref.getMount(), VaultDatabaseRef.MOUNT_PATTERN, field + ".mount", "a Vault mount");
      v.maxLength(ref.getMount(), 256, field + ".mount");
    }
    v.matches(ref.getRole(), VaultDatabaseRef.ROLE_PATTERN, field + ".role", "a role name");
    v.maxLength(ref.getRole(), 256, field + ".role");
  }

  private static void agentEnv(Map<String, String> env, Violations v) {
    if (env == null) {
      return;
    }
    v.check(
        env.size() <= CredentialRouteSpec.MAX_AGENT_ENV,
        "spec.agentEnv",
        "has more than " + CredentialRouteSpec.MAX_AGENT_ENV + " entries");
    env.forEach(
        (name, value) -> {
          String field = "spec.agentEnv." + name;
          v.matches(
              name,
              CredentialRouteSpec.AGENT_ENV_NAME_PATTERN,
              field,
              "an environment variable name");
          v.maxLength(name, CredentialRouteSpec.MAX_AGENT_ENV_NAME, field);
          v.check(
              !CredentialRouteSpec.RESERVED_AGENT_ENV.contains(name),
              field,
              "is set by the injector (proxy and CA variables) and cannot be declared by a route");
          v.required(value, field);
          v.maxLength(value, CredentialRouteSpec.MAX_AGENT_ENV_VALUE, field);
        });
  }

  private static void podSelector(LabelSelector selector, Violations v) {
    if (selector == null || selector.getMatchExpressions() == null) {
      return;
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement e = expressions.get(i);
      String field = "spec.podSelector.matchExpressions[" + i + "]";
      v.required(e.getKey(), field + ".key");
      if (v.check(
          SELECTOR_OPERATORS.contains(e.getOperator()),
          field + ".operator",
          "'" + e.getOperator() + "' is not one of In, NotIn, Exists, DoesNotExist")) {
        boolean needsValues = Set.of("In", "NotIn").contains(e.getOperator());
        boolean hasValues = e.getValues() != null && !e.getValues().isEmpty();
        v.check(
            needsValues == hasValues,
            field + ".values",
            needsValues
                ? "must not be empty for " + e.getOperator()
                : "must be empty for " + e.getOperator());
      }
    }
  }
}
