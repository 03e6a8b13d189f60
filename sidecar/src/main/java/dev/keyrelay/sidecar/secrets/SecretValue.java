package dev.keyrelay.sidecar.secrets;

import java.util.Objects;

/** A secret's value; it prints as redacted so that it cannot leak through a log or a message. */
public final class SecretValue {

  private final String value;

  public SecretValue(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The value itself; use it only where it is sent upstream. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "SecretValue[redacted]";
  }
}
