package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a ConfigMap or Secret in the route's own namespace. */
public class KeyRef {

  /** A DNS-1123 subdomain, the rule for ConfigMap and Secret names. */
  public static final String NAME_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** The longest object name and data key Kubernetes allows. */
  public static final int MAX_LENGTH = 253;

  /** The rule for ConfigMap and Secret data keys. */
  public static final String KEY_PATTERN = "^[-._a-zA-Z0-9]+$";

  @Required
  @Pattern(NAME_PATTERN)
  @Size(max = MAX_LENGTH)
  @JsonPropertyDescription("The object's name, in the same namespace as the route.")
  private String name;

  @Required
  @Pattern(KEY_PATTERN)
  @Size(max = MAX_LENGTH)
  @JsonPropertyDescription("The key within the object's data.")
  private String key;

  public KeyRef() {}

  public KeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
