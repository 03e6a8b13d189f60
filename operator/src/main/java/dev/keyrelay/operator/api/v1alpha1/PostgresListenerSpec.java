package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.keyrelay.contract.PodLayout;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A PostgreSQL listener: a loopback port in the pod relayed to a real server with the real
 * password.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.listenPort != "
            + PodLayout.PROXY_PORT
            + " && self.listenPort != "
            + PodLayout.ADMIN_PORT,
    message = PostgresListenerSpec.SIDECAR_PORT_MESSAGE)
@ValidationRule(
    value =
        "!has(self.databases) || self.databases.all(d, d.size() <= "
            + PostgresListenerSpec.MAX_NAME
            + ")",
    message = "databases are names of at most 63 characters")
public class PostgresListenerSpec {

  public static final String SIDECAR_PORT_MESSAGE =
      "listenPort must not be "
          + PodLayout.PROXY_PORT
          + " or "
          + PodLayout.ADMIN_PORT
          + ": the sidecar's proxy and admin ports";

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1), for user and database names. */
  public static final int MAX_NAME = 63;

  public static final int MAX_DATABASES = 64;

  /** The lowest listen port: the sidecar runs as non-root and cannot bind privileged ports. */
  public static final int MIN_LISTEN_PORT = 1024;

  @Required
  @Min(MIN_LISTEN_PORT)
  @Max(65535)
  @JsonPropertyDescription(
      "The port the sidecar listens on at 127.0.0.1; agents connect there without a password."
          + " Unique among the listeners of the namespace.")
  private Integer listenPort;

  @Required
  @JsonPropertyDescription("The real PostgreSQL server.")
  private PostgresUpstreamSpec upstream;

  @Pattern("^\\S+$")
  @Size(max = MAX_NAME)
  @JsonPropertyDescription(
      "The database user the sidecar authenticates as, and the one agents must connect as."
          + " Required, except with secret.vaultDatabase: the sidecar then logs in as the user"
          + " Vault issued, and this is only the name agents must use (absent: any name).")
  private String user;

  @Size(max = MAX_DATABASES)
  @JsonPropertyDescription("Databases the agent may open; absent allows any.")
  private List<String> databases;

  @JsonPropertyDescription(
      "TLS between the agent and the listener with a certificate from the pod CA: accept (default),"
          + " require or disable.")
  private ClientTls clientTls;

  public Integer getListenPort() {
    return listenPort;
  }

  public void setListenPort(Integer listenPort) {
    this.listenPort = listenPort;
  }

  public PostgresUpstreamSpec getUpstream() {
    return upstream;
  }

  public void setUpstream(PostgresUpstreamSpec upstream) {
    this.upstream = upstream;
  }

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public List<String> getDatabases() {
    return databases;
  }

  public void setDatabases(List<String> databases) {
    this.databases = databases;
  }

  public ClientTls getClientTls() {
    return clientTls;
  }

  public void setClientTls(ClientTls clientTls) {
    this.clientTls = clientTls;
  }
}
