package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretValueTest {

  @Test
  void printsRedactedButRevealsTheValue() {
    SecretValue value = new SecretValue("sk-live-123");

    assertThat(value.toString()).isEqualTo("SecretValue[redacted]");
    assertThat(String.valueOf(value)).doesNotContain("sk-live-123");
    assertThat(value.reveal()).isEqualTo("sk-live-123");
  }

  @Test
  void equalsByValue() {
    assertThat(new SecretValue("a"))
        .isEqualTo(new SecretValue("a"))
        .isNotEqualTo(new SecretValue("b"));
    assertThat(new SecretValue("a")).hasSameHashCodeAs(new SecretValue("a"));
  }
}
