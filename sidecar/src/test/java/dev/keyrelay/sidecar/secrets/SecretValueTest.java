package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aLineRefusesLineBreaksWhereADocumentKeepsThem() throws Exception {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";

    assertThatThrownBy(() -> SecretValue.checked(pem, "file key.pem"))
        .isInstanceOf(SecretInvalidException.class)
        .hasMessage(
            "file key.pem holds a control character (only one trailing newline is removed)");
    assertThat(SecretValue.checked(pem, "file key.pem", SecretValue.Form.DOCUMENT).reveal())
        .isEqualTo(pem.substring(0, pem.length() - 1));
    assertThatThrownBy(() -> SecretValue.checked("a\u0000b", "f", SecretValue.Form.DOCUMENT))
        .isInstanceOf(SecretInvalidException.class);
  }
}
