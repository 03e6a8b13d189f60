package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.secrets.SecretInvalidException;
import dev.keyrelay.sidecar.secrets.SecretValue;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialInjectorTest {

  @Test
  void everyCopyOfTheAgentsCredentialHeadersGoesAndOnlyTheRealOneIsSent() throws Exception {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.add("x-api-key", "placeholder");
    headers.add("X-API-KEY", "second-placeholder");
    headers.add("Authorization", "Bearer agent-token");
    headers.add("Proxy-Authorization", "Basic cHJveHk6cGFzcw==");
    headers.add("Accept", "application/json");

    CredentialInjector.inject(
        headers, new RouteAuth.Header("X-Api-Key", null), new SecretValue("sk-real-1"));

    assertThat(headers.getAll("X-Api-Key")).containsExactly("sk-real-1");
    assertThat(headers.contains("Authorization")).isFalse();
    assertThat(headers.contains("Proxy-Authorization")).isFalse();
    assertThat(headers.get("Accept")).isEqualTo("application/json");
  }

  @Test
  void aSchemeGoesBeforeTheValue() throws Exception {
    HttpHeaders headers = new DefaultHttpHeaders().add("authorization", "Bearer placeholder");

    CredentialInjector.inject(
        headers, new RouteAuth.Header("Authorization", "Bearer"), new SecretValue("ghp_real"));

    assertThat(headers.getAll("Authorization")).containsExactly("Bearer ghp_real");
  }

  @Test
  void basicAuthCarriesAnyCharacterAsUtf8Base64() throws Exception {
    HttpHeaders headers = new DefaultHttpHeaders();

    CredentialInjector.inject(
        headers, new RouteAuth.Basic("x-access-token"), new SecretValue("pässwörd"));

    String encoded = headers.get("Authorization").substring("Basic ".length());
    assertThat(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8))
        .isEqualTo("x-access-token:pässwörd");
  }

  @Test
  void aValueAHeaderCannotCarryIsRefusedAndTheAgentsHeadersStayAsTheyWere() {
    HttpHeaders headers = new DefaultHttpHeaders().add("X-Api-Key", "placeholder");

    assertThatThrownBy(
            () ->
                CredentialInjector.inject(
                    headers, new RouteAuth.Header("X-Api-Key", null), new SecretValue("sk-réal")))
        .isInstanceOf(SecretInvalidException.class)
        .hasMessageContaining("X-Api-Key")
        .hasMessageNotContaining("sk-réal");
    assertThat(headers.getAll("X-Api-Key")).containsExactly("placeholder");
  }
}
