package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** A stored credential an issued token is obtained with: a Secret key or a Vault field. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.kubernetes) != has(self.vault)",
    message = "exactly one of kubernetes or vault must be set")
public class StoredSecret {

  @JsonPropertyDescription(
      "A key of a Secret in the route's namespace; mounted into the sidecar container only. All"
          + " Secret keys of one route must be in one Secret.")
  private KeyRef kubernetes;

  @JsonPropertyDescription("A Vault KV v2 field; read by the sidecar, not checked by the operator.")
  private VaultRef vault;

  public StoredSecret() {}

  public StoredSecret(KeyRef kubernetes) {
    this.kubernetes = kubernetes;
  }

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
}
