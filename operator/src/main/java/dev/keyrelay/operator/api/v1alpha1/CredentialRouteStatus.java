package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator last concluded about a CredentialRoute. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CredentialRouteStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Valid (the spec passes every check), SecretResolved (the Secret and key exist; Unknown for"
          + " Vault), Published (in the namespace's keyrelay-routes ConfigMap) and Ready (all of them).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Injected pods this route selects that were created before it needed their Secret, trust or"
          + " Vault token volume: they serve the route only after a restart. Absent when none.")
  private List<String> podsNeedingRestart;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<String> getPodsNeedingRestart() {
    return podsNeedingRestart;
  }

  public void setPodsNeedingRestart(List<String> podsNeedingRestart) {
    this.podsNeedingRestart = podsNeedingRestart;
  }
}
