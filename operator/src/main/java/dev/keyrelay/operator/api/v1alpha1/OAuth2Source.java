package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** An OAuth 2.0 access token the sidecar obtains and renews itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.grantType == 'client_credentials' ? has(self.clientSecret) &&"
            + " !has(self.refreshToken) : has(self.refreshToken)",
    message =
        "client_credentials needs clientSecret and no refreshToken; refresh_token needs"
            + " refreshToken")
public class OAuth2Source {

  /** RFC 6749 section 3.3 scope-token. */
  public static final String SCOPE_PATTERN = "^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$";

  @Required
  @Pattern("^https://[^\\s?#@]+$")
  @JsonPropertyDescription(
      "The authorization server's token endpoint; https only, without user info, query or"
          + " fragment.")
  private String tokenUrl;

  @Required
  @Pattern("^(client_credentials|refresh_token)$")
  @JsonPropertyDescription("client_credentials or refresh_token (RFC 6749 sections 4.4 and 6).")
  private String grantType;

  @Required
  @JsonPropertyDescription(
      "The client id; sent with HTTP Basic when clientSecret is set, else as client_id (a public"
          + " client).")
  private String clientId;

  @JsonPropertyDescription("The client secret; required for client_credentials.")
  private StoredSecret clientSecret;

  @JsonPropertyDescription(
      "The refresh token for refresh_token; a token the server rotates replaces it in the"
          + " sidecar's memory only.")
  private StoredSecret refreshToken;

  @JsonPropertyDescription("Scopes to ask for, sent space-separated as scope.")
  private List<String> scopes;

  @JsonPropertyDescription("The audience parameter some providers require.")
  private String audience;

  public String getTokenUrl() {
    return tokenUrl;
  }

  public void setTokenUrl(String tokenUrl) {
    this.tokenUrl = tokenUrl;
  }

  public String getGrantType() {
    return grantType;
  }

  public void setGrantType(String grantType) {
    this.grantType = grantType;
  }

  public String getClientId() {
    return clientId;
  }

  public void setClientId(String clientId) {
    this.clientId = clientId;
  }

  public StoredSecret getClientSecret() {
    return clientSecret;
  }

  public void setClientSecret(StoredSecret clientSecret) {
    this.clientSecret = clientSecret;
  }

  public StoredSecret getRefreshToken() {
    return refreshToken;
  }

  public void setRefreshToken(StoredSecret refreshToken) {
    this.refreshToken = refreshToken;
  }

  public List<String> getScopes() {
    return scopes;
  }

  public void setScopes(List<String> scopes) {
    this.scopes = scopes;
  }

  public String getAudience() {
    return audience;
  }

  public void setAudience(String audience) {
    this.audience = audience;
  }
}
