package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the agent may, must or must not use TLS (with the pod CA) towards a listener. */
public enum ClientTls {
  @JsonProperty("accept")
  ACCEPT,
  @JsonProperty("require")
  REQUIRE,
  @JsonProperty("disable")
  DISABLE
}
