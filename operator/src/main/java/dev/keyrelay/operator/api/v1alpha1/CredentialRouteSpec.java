package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * What a CredentialRoute asks for: an HTTP route or a PostgreSQL listener, its secret and its pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.http) != has(self.postgres)",
    message = "exactly one of spec.http or spec.postgres must be set")
@ValidationRule(
    value =
        "(has(self.http) && has(self.http.auth) && self.http.auth.type == 'awsSigV4')"
            + " == (has(self.secret) && (has(self.secret.aws) || has(self.secret.awsWebIdentity)))",
    message =
        "auth type awsSigV4 needs secret aws or awsWebIdentity, and those are only for an HTTP"
            + " route with auth type awsSigV4")
@ValidationRule(
    value = "!has(self.secret) || !has(self.secret.vaultDatabase) || has(self.postgres)",
    message = CredentialRouteSpec.VAULT_DATABASE_MESSAGE)
@ValidationRule(
    value =
        "!has(self.postgres) || has(self.postgres.user)"
            + " || has(self.secret) && has(self.secret.vaultDatabase)",
    message = CredentialRouteSpec.USER_MESSAGE)
public class CredentialRouteSpec {

  public static final String VAULT_DATABASE_MESSAGE =
      "secret.vaultDatabase is for PostgreSQL listeners (spec.postgres) only";

  public static final String USER_MESSAGE =
      "spec.postgres.user is required unless the secret is vaultDatabase";

  /** Variables the injector sets in agent containers itself, so a route may not declare them. */
  public static final List<String> RESERVED_AGENT_ENV =
      List.of(
          "HTTPS_PROXY",
          "HTTP_PROXY",
          "https_proxy",
          "http_proxy",
          "NO_PROXY",
          "no_proxy",
          "SSL_CERT_FILE",
          "REQUESTS_CA_BUNDLE",
          "CURL_CA_BUNDLE",
          "NODE_EXTRA_CA_CERTS");

  /** {@link #RESERVED_AGENT_ENV} as a CEL list literal (a test keeps them equal). */
  public static final String RESERVED_AGENT_ENV_CEL =
      "['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'NO_PROXY', 'no_proxy',"
          + " 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS']";

  public static final String AGENT_ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
  public static final int MAX_AGENT_ENV = 64;
  public static final int MAX_AGENT_ENV_NAME = 128;
  public static final int MAX_AGENT_ENV_VALUE = 1024;

  @JsonPropertyDescription(
      "An HTTP route: requests to this host get the credential injected. Exactly one of http or postgres.")
  private HttpRouteSpec http;

  @JsonPropertyDescription(
      "A PostgreSQL listener: a local port in the pod relayed to a real database, authenticated with the"
          + " secret. Exactly one of http or postgres.")
  private PostgresListenerSpec postgres;

  @Required
  @JsonPropertyDescription("Where the real credential comes from; a reference, never the value.")
  private SecretReference secret;

  @JsonPropertyDescription(
      "Which opted-in pods of this namespace get the route; empty or absent selects every opted-in pod.")
  private LabelSelector podSelector;

  @Size(max = MAX_AGENT_ENV)
  @ValidationRule(
      value =
          "self.all(k, k.size() <= "
              + MAX_AGENT_ENV_NAME
              + " && self[k].size() <= "
              + MAX_AGENT_ENV_VALUE
              + ")",
      message = "agentEnv names are at most 128 characters and values at most 1024")
  @ValidationRule(
      value = "self.all(k, k.matches('" + AGENT_ENV_NAME_PATTERN + "'))",
      message = "agentEnv names must be environment variable names ([A-Za-z_][A-Za-z0-9_]*)")
  @ValidationRule(
      value = "!self.exists(k, k in " + RESERVED_AGENT_ENV_CEL + ")",
      message =
          "agentEnv must not set HTTPS_PROXY, HTTP_PROXY, https_proxy, http_proxy, NO_PROXY,"
              + " no_proxy, SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE or"
              + " NODE_EXTRA_CA_CERTS: the injector sets them")
  @JsonPropertyDescription(
      "Placeholder environment variables set in the agent containers, e.g. ANTHROPIC_API_KEY: placeholder."
          + " Names must be environment variable names and must not be one the injector sets"
          + " (proxy and CA variables). Never put a real secret here.")
  private Map<String, String> agentEnv;

  public HttpRouteSpec getHttp() {
    return http;
  }

  public void setHttp(HttpRouteSpec http) {
    this.http = http;
  }

  public PostgresListenerSpec getPostgres() {
    return postgres;
  }

  public void setPostgres(PostgresListenerSpec postgres) {
    this.postgres = postgres;
  }

  public SecretReference getSecret() {
    return secret;
  }

  public void setSecret(SecretReference secret) {
    this.secret = secret;
  }

  public LabelSelector getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(LabelSelector podSelector) {
    this.podSelector = podSelector;
  }

  public Map<String, String> getAgentEnv() {
    return agentEnv;
  }

  public void setAgentEnv(Map<String, String> agentEnv) {
    this.agentEnv = agentEnv;
  }
}
