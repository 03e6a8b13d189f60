package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The HTTP side of a route: which host it matches and how the credential is presented. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpRouteSpec {

  /** A DNS name (letters, digits, hyphens, dots, optional trailing dot) or an IP literal. */
  public static final String HOST_PATTERN =
      "^([A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.)*"
          + "[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?\\.?$|^\\[?[0-9A-Fa-f:.]+\\]?$";

  /** The longest DNS name. */
  public static final int MAX_HOST = 253;

  @Required
  @Pattern(HOST_PATTERN)
  @Size(max = MAX_HOST)
  @JsonPropertyDescription(
      "The exact host to match, compared case-insensitively without a trailing dot; no wildcards.")
  private String host;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The port to match; absent matches every port of the host.")
  private Integer port;

  @Required
  @JsonPropertyDescription("How the credential is presented upstream.")
  private HttpAuthSpec auth;

  @JsonPropertyDescription(
      "Extra trust for an upstream signed by a private CA, from a ConfigMap or Secret key holding PEM"
          + " certificates; the system roots are always trusted too.")
  private KeySource upstreamCa;

  @JsonPropertyDescription(
      "Allow injecting the credential into plain-HTTP requests to this host. Off by default.")
  private Boolean allowInsecureHttp;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "Which requests get the credential: a request must match some rule's methods and paths,"
          + " otherwise it gets 403 and nothing is sent. Absent: every request.")
  private List<HttpRuleSpec> rules;

  @JsonPropertyDescription(
      "Rate and concurrency limits per pod; beyond them the agent gets 429 and nothing is sent.")
  private HttpLimitsSpec limits;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public HttpAuthSpec getAuth() {
    return auth;
  }

  public void setAuth(HttpAuthSpec auth) {
    this.auth = auth;
  }

  public KeySource getUpstreamCa() {
    return upstreamCa;
  }

  public void setUpstreamCa(KeySource upstreamCa) {
    this.upstreamCa = upstreamCa;
  }

  public Boolean getAllowInsecureHttp() {
    return allowInsecureHttp;
  }

  public void setAllowInsecureHttp(Boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
  }

  public List<HttpRuleSpec> getRules() {
    return rules;
  }

  public void setRules(List<HttpRuleSpec> rules) {
    this.rules = rules;
  }

  public HttpLimitsSpec getLimits() {
    return limits;
  }

  public void setLimits(HttpLimitsSpec limits) {
    this.limits = limits;
  }
}
