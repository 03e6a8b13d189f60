package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** How fast and how many requests at once one pod's sidecar lets through on an HTTP route. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.requestsPerMinute) || has(self.concurrent)",
    message = "limits needs requestsPerMinute, concurrent or both")
public class HttpLimitsSpec {

  @Min(1)
  @JsonPropertyDescription(
      "Requests per minute per pod, refilled evenly; beyond it the agent gets 429 with"
          + " Retry-After.")
  private Integer requestsPerMinute;

  @Min(1)
  @JsonPropertyDescription("Requests in flight at once per pod; beyond it the agent gets 429.")
  private Integer concurrent;

  public Integer getRequestsPerMinute() {
    return requestsPerMinute;
  }

  public void setRequestsPerMinute(Integer requestsPerMinute) {
    this.requestsPerMinute = requestsPerMinute;
  }

  public Integer getConcurrent() {
    return concurrent;
  }

  public void setConcurrent(Integer concurrent) {
    this.concurrent = concurrent;
  }
}
