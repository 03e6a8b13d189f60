package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/** A GitHub App installation token the sidecar obtains with the App's private key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitHubAppSource {

  @Required
  @Pattern("^([0-9]+|Iv[0-9A-Za-z.]+)$")
  @JsonPropertyDescription("The App's numeric ID or its client ID (Iv...); the JWT's issuer.")
  private String appId;

  @Required
  @Min(1)
  @JsonPropertyDescription("The installation the token is for.")
  private Long installationId;

  @Required
  @JsonPropertyDescription("The App's PEM private key.")
  private StoredSecret privateKey;

  @Pattern("^https://[^\\s?#@]+$")
  @JsonPropertyDescription(
      "The REST API root; https://api.github.com when absent, https://HOST/api/v3 for GitHub"
          + " Enterprise Server.")
  private String apiUrl;

  @JsonPropertyDescription(
      "Repository names (without the owner) the token is limited to; all of the installation's"
          + " when absent.")
  private List<String> repositories;

  @JsonPropertyDescription(
      "Permission name to read, write or admin, e.g. contents: read; the App's own when absent.")
  private Map<String, String> permissions;

  public String getAppId() {
    return appId;
  }

  public void setAppId(String appId) {
    this.appId = appId;
  }

  public Long getInstallationId() {
    return installationId;
  }

  public void setInstallationId(Long installationId) {
    this.installationId = installationId;
  }

  public StoredSecret getPrivateKey() {
    return privateKey;
  }

  public void setPrivateKey(StoredSecret privateKey) {
    this.privateKey = privateKey;
  }

  public String getApiUrl() {
    return apiUrl;
  }

  public void setApiUrl(String apiUrl) {
    this.apiUrl = apiUrl;
  }

  public List<String> getRepositories() {
    return repositories;
  }

  public void setRepositories(List<String> repositories) {
    this.repositories = repositories;
  }

  public Map<String, String> getPermissions() {
    return permissions;
  }

  public void setPermissions(Map<String, String> permissions) {
    this.permissions = permissions;
  }
}
