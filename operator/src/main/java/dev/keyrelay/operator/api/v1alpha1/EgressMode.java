package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether traffic that matches no route may go anywhere not blocked, or only where allowed. */
public enum EgressMode {
  @JsonProperty("open")
  OPEN,
  @JsonProperty("allowList")
  ALLOW_LIST
}
