package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where the real credential comes from: a Kubernetes Secret key, a Vault field, a token the sidecar
 * obtains (OAuth 2.0, GitHub App), AWS credentials to sign with, or database credentials Vault
 * issues; exactly one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.kubernetes), has(self.vault), has(self.oauth2), has(self.githubApp),"
            + " has(self.aws), has(self.awsWebIdentity), has(self.vaultDatabase)].filter(x, x)"
            + ".size() == 1",
    message = SecretReference.ONE_KIND_MESSAGE)
public class SecretReference {

  public static final String ONE_KIND_MESSAGE =
      "exactly one of kubernetes, vault, oauth2, githubApp, aws, awsWebIdentity or vaultDatabase"
          + " must be set";

  @JsonPropertyDescription(
      "A key of a Secret in the route's namespace; mounted into the sidecar container only.")
  private KeyRef kubernetes;

  @JsonPropertyDescription("A Vault KV v2 field; read by the sidecar, not checked by the operator.")
  private VaultRef vault;

  @JsonPropertyDescription(
      "An OAuth 2.0 access token the sidecar obtains at tokenUrl and renews before it expires."
          + " HTTP routes only.")
  private OAuth2Source oauth2;

  @JsonPropertyDescription(
      "A GitHub App installation token the sidecar obtains with the App's key and renews before it"
          + " expires. HTTP routes only.")
  private GitHubAppSource githubApp;

  @JsonPropertyDescription(
      "AWS credentials from a Secret or Vault that the sidecar signs with (auth type awsSigV4)."
          + " HTTP routes only.")
  private AwsKeysSource aws;

  @JsonPropertyDescription(
      "Temporary AWS credentials the sidecar obtains at STS with a projected token and renews"
          + " before they expire (auth type awsSigV4). HTTP routes only.")
  private AwsWebIdentitySource awsWebIdentity;

  @JsonPropertyDescription(
      "Database credentials from Vault's database secrets engine: the sidecar logs in as the user"
          + " Vault issues and renews the lease while sessions use it. PostgreSQL listeners only.")
  private VaultDatabaseRef vaultDatabase;

  public KeyRef getKubernetes() {
    return kubernetes;
  }

  public void setKubernetes(KeyRef kubernetes) {
    this.kubernetes = kubernetes;
  }

  public VaultRef getVault() {
    return vault;
  }

  public void setVault(VaultRef vault) {
    this.vault = vault;
  }

  public OAuth2Source getOauth2() {
    return oauth2;
  }

  public void setOauth2(OAuth2Source oauth2) {
    this.oauth2 = oauth2;
  }

  public GitHubAppSource getGithubApp() {
    return githubApp;
  }

  public void setGithubApp(GitHubAppSource githubApp) {
    this.githubApp = githubApp;
  }

  public AwsKeysSource getAws() {
    return aws;
  }

  public void setAws(AwsKeysSource aws) {
    this.aws = aws;
  }

  public AwsWebIdentitySource getAwsWebIdentity() {
    return awsWebIdentity;
  }

  public void setAwsWebIdentity(AwsWebIdentitySource awsWebIdentity) {
    this.awsWebIdentity = awsWebIdentity;
  }

  public VaultDatabaseRef getVaultDatabase() {
    return vaultDatabase;
  }

  public void setVaultDatabase(VaultDatabaseRef vaultDatabase) {
    this.vaultDatabase = vaultDatabase;
  }
}
