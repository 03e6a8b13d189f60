package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A role of Vault's database secrets engine: the sidecar takes leased credentials (a user and a
 * password Vault creates) from {@code <mount>/creds/<role>} with its own Vault identity.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VaultDatabaseRef {

  /** One path segment of {@code [-._a-zA-Z0-9@]} that is not only dots ({@code .}, {@code ..}). */
  private static final String SEGMENT = "[-._a-zA-Z0-9@]*[-_a-zA-Z0-9@][-._a-zA-Z0-9@]*";

  public static final String MOUNT_PATTERN = "^" + SEGMENT + "(/" + SEGMENT + ")*$";

  public static final String ROLE_PATTERN = "^" + SEGMENT + "$";

  @Pattern(MOUNT_PATTERN)
  @Size(max = 256)
  @JsonPropertyDescription("Where the database secrets engine is mounted; default database.")
  private String mount;

  @Required
  @Pattern(ROLE_PATTERN)
  @Size(max = 256)
  @JsonPropertyDescription(
      "The engine's role; the sidecar reads <mount>/creds/<role> and logs in as the user Vault"
          + " issues.")
  private String role;

  public String getMount() {
    return mount;
  }

  public void setMount(String mount) {
    this.mount = mount;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }
}
