package dev.keyrelay.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the sidecar secures its connection to the real PostgreSQL server (libpq sslmode names). */
public enum SslMode {
  @JsonProperty("disable")
  DISABLE,
  @JsonProperty("require")
  REQUIRE,
  @JsonProperty("verify-ca")
  VERIFY_CA,
  @JsonProperty("verify-full")
  VERIFY_FULL
}
