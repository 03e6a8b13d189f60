package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** PEM data from a key of a ConfigMap or of a Secret; exactly one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.configMapKeyRef) != has(self.secretKeyRef)",
    message = "exactly one of configMapKeyRef or secretKeyRef must be set")
public class KeySource {

  @JsonPropertyDescription("A ConfigMap key holding PEM certificates.")
  private KeyRef configMapKeyRef;

  @JsonPropertyDescription("A Secret key holding PEM certificates.")
  private KeyRef secretKeyRef;

  public KeyRef getConfigMapKeyRef() {
    return configMapKeyRef;
  }

  public void setConfigMapKeyRef(KeyRef configMapKeyRef) {
    this.configMapKeyRef = configMapKeyRef;
  }

  public KeyRef getSecretKeyRef() {
    return secretKeyRef;
  }

  public void setSecretKeyRef(KeyRef secretKeyRef) {
    this.secretKeyRef = secretKeyRef;
  }

  /** The key of whichever reference is set. */
  public String selectedKey() {
    return configMapKeyRef != null ? configMapKeyRef.getKey() : secretKeyRef.getKey();
  }
}
