package dev.keyrelay.sidecar.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Md5PasswordTest {

  @Test
  void matchesPostgresqlsDoubleMd5() {
    // md5(md5("secret" + "agent").hex + salt), computed independently with Python's hashlib.
    assertThat(Md5Password.encode("agent", "secret", new byte[] {1, 2, 3, 4}))
        .isEqualTo("md578f6f2e5299d91a5ab1c30bf8cae9aec");
  }
}
