package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where a PostgreSQL listener connects to, and how it secures that connection. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresUpstreamSpec {

  @Required
  @Pattern(HttpRouteSpec.HOST_PATTERN)
  @Size(max = HttpRouteSpec.MAX_HOST)
  @JsonPropertyDescription("The server's host name or IP address.")
  private String host;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The server's port; 5432 when absent.")
  private Integer port;

  @JsonPropertyDescription(
      "TLS towards the server: disable, require, verify-ca or verify-full (default: verify-full).")
  private SslMode sslMode;

  @JsonPropertyDescription(
      "PEM certificates to trust for the server, from a ConfigMap or Secret key; system roots when absent.")
  private KeySource ca;

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

  public SslMode getSslMode() {
    return sslMode;
  }

  public void setSslMode(SslMode sslMode) {
    this.sslMode = sslMode;
  }

  public KeySource getCa() {
    return ca;
  }

  public void setCa(KeySource ca) {
    this.ca = ca;
  }
}
