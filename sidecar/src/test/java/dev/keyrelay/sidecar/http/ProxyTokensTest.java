package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyrelay.sidecar.config.ProxyToken;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.SecretsSettings;
import dev.keyrelay.sidecar.secrets.SecretResolver;
import dev.keyrelay.sidecar.secrets.SecretUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyTokensTest {

  @TempDir Path dir;

  private final SecretResolver secrets =
      new SecretResolver(
          Runnable::run,
          new SimpleMeterRegistry(),
          new SecretsSettings(
              Path.of("/nonexistent"), Duration.ofMinutes(5), Duration.ofMinutes(5)),
          null);

  private static String basic(String userAndPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void takesTheBasicPasswordWhateverTheUserAndTheBearerToken() {
    assertThat(ProxyTokens.presented(basic("agent:s3cr:et"))).contains("s3cr:et");
    assertThat(ProxyTokens.presented(basic(":tok"))).contains("tok");
    assertThat(ProxyTokens.presented("bAsIc " + basic("a:b").substring(6))).contains("b");
    assertThat(ProxyTokens.presented("Bearer  tok-1 ")).contains("tok-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Basic", "Bearer ", "Digest abc", "Basic !!!notbase64", "tok"})
  void findsNoTokenInMalformedValues(String header) {
    assertThat(ProxyTokens.presented(header)).isEmpty();
  }

  @Test
  void findsNoTokenInABasicValueWithoutPassword() {
    assertThat(ProxyTokens.presented(basic("agent"))).isEmpty();
    assertThat(ProxyTokens.presented(basic("agent:"))).isEmpty();
    assertThat(ProxyTokens.presented(null)).isEmpty();
  }

  @Test
  void namesTheTokenThatMatchesAndNoneForAnother() throws Exception {
    ProxyTokens tokens = new ProxyTokens(List.of(token("one", "first\n"), token("two", "second")));

    assertThat(tokens.nameOf(secrets, "second").join()).contains("two");
    assertThat(tokens.nameOf(secrets, "first").join()).contains("one");
    assertThat(tokens.nameOf(secrets, "firs").join()).isEmpty();
  }

  @Test
  void anEmptyValueAdmitsNobody() throws Exception {
    ProxyTokens tokens = new ProxyTokens(List.of(token("blank", "\n")));

    assertThat(catchThrowable(() -> tokens.nameOf(secrets, "").join()))
        .hasCauseInstanceOf(SecretUnavailableException.class);
  }

  @Test
  void anUnreadableTokenFailsTheCheckOnlyWhenNoOtherMatched() throws Exception {
    ProxyTokens tokens =
        new ProxyTokens(
            List.of(
                new ProxyToken("gone", new SecretRef.File(dir.resolve("missing"))),
                token("here", "present")));

    assertThat(tokens.nameOf(secrets, "present").join()).isEqualTo(Optional.of("here"));
    Throwable failure = catchThrowable(() -> tokens.nameOf(secrets, "other").join());
    assertThat(failure)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SecretUnavailableException.class);
    assertThat(failure.getCause()).hasMessageStartingWith("proxy token gone cannot be read");
  }

  private ProxyToken token(String name, String value) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, value);
    return new ProxyToken(name, new SecretRef.File(file));
  }
}
