package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A field of a HashiCorp Vault KV v2 secret, read by the sidecar with its own Vault identity. */
public class VaultRef {

  @Required
  @Pattern("^[^\\s#?]+$")
  @Size(max = 1024)
  @JsonPropertyDescription("The KV v2 API path, e.g. secret/data/agents/internal.")
  private String path;

  @Required
  @Pattern("^\\S+$")
  @Size(max = 256)
  @JsonPropertyDescription("The field of the secret's data that holds the credential.")
  private String field;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getField() {
    return field;
  }

  public void setField(String field) {
    this.field = field;
  }
}
