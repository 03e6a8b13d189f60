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
public class CredentialRouteSpec {

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

  @Size(max = 64)
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
