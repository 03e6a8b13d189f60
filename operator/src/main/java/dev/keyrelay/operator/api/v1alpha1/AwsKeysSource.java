package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** AWS credentials kept in a Secret or Vault, for a route with auth type awsSigV4. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AwsKeysSource {

  @Required
  @JsonPropertyDescription("The access key ID, e.g. AKIA...")
  private StoredSecret accessKeyId;

  @Required
  @JsonPropertyDescription("The secret access key; it signs requests and never leaves the sidecar.")
  private StoredSecret secretAccessKey;

  @JsonPropertyDescription("The session token of temporary credentials; absent for long-term keys.")
  private StoredSecret sessionToken;

  public StoredSecret getAccessKeyId() {
    return accessKeyId;
  }

  public void setAccessKeyId(StoredSecret accessKeyId) {
    this.accessKeyId = accessKeyId;
  }

  public StoredSecret getSecretAccessKey() {
    return secretAccessKey;
  }

  public void setSecretAccessKey(StoredSecret secretAccessKey) {
    this.secretAccessKey = secretAccessKey;
  }

  public StoredSecret getSessionToken() {
    return sessionToken;
  }

  public void setSessionToken(StoredSecret sessionToken) {
    this.sessionToken = sessionToken;
  }
}
