package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kinds of HTTP credential presentation the sidecar supports. */
public enum AuthType {
  @JsonProperty("header")
  HEADER,
  @JsonProperty("basic")
  BASIC,
  @JsonProperty("awsSigV4")
  AWS_SIG_V4
}
