package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSecretSourceTest {

  private final Map<String, String> env = Map.of("API_KEY", "sk-env-1", "EMPTY", "");

  @Test
  void readsThePresentVariable() throws Exception {
    EnvSecretSource source = new EnvSecretSource("API_KEY", env::get);

    assertThat(source.read().reveal()).isEqualTo("sk-env-1");
    assertThat(source.describe()).isEqualTo("env API_KEY");
  }

  @Test
  void missingOrEmptyVariableIsUnavailable() {
    assertThatThrownBy(() -> new EnvSecretSource("MISSING", env::get).read())
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("environment variable MISSING is not set");
    assertThatThrownBy(() -> new EnvSecretSource("EMPTY", env::get).read())
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("environment variable EMPTY is not set");
  }
}
