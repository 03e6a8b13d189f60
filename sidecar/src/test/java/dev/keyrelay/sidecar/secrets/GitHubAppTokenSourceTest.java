package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.testing.GitHubTestServer;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubAppTokenSourceTest {

  @TempDir Path dir;
  private GitHubTestServer github;
  private KeyPair app;

  @BeforeEach
  void start() throws Exception {
    TestPki pki = TestPki.create("keyrelay test CA");
    github = GitHubTestServer.https(TestPki.serverContext(pki.serverCertificate()));
    pki.writeCaPem(dir.resolve("ca.pem"));
    app = keyPair();
    github.app("77", (RSAPublicKey) app.getPublic(), 9);
    github.tokenLifetime(Duration.ofHours(1));
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void exchangesAVerifiedJwtForAnInstallationTokenWithItsLifetime() throws Exception {
    IssuedToken token = source(app, 9).issue();

    assertThat(github.valid(token.value().reveal())).isTrue();
    // Measured from before the request: expires_at is the server's clock plus an hour, later.
    assertThat(token.lifetime())
        .isBetween(Duration.ofMinutes(59), Duration.ofHours(1).plusSeconds(30));
    assertThat(github.refusedJwts()).isZero();
    assertThat(github.requests().get(0).body().toString())
        .isEqualTo("{\"repositories\":[\"keyrelay\"],\"permissions\":{\"contents\":\"read\"}}");
  }

  @Test
  void anotherKeyOrInstallationIsARefusalThatNamesTheStatusOnly() throws Exception {
    SecretUnavailableException wrongKey =
        catchThrowableOfType(SecretUnavailableException.class, () -> source(keyPair(), 9).issue());
    SecretUnavailableException wrongInstallation =
        catchThrowableOfType(SecretUnavailableException.class, () -> source(app, 10).issue());

    assertThat(wrongKey)
        .isNotInstanceOf(SecretStoreDownException.class)
        .hasMessage(
            "github api https://localhost:"
                + github.port()
                + " refused the installation token (HTTP 401)");
    assertThat(wrongInstallation).hasMessageEndingWith("(HTTP 404)");
  }

  @Test
  void aKeyThatIsNotRsaPemIsNamedWithoutItsContent() throws Exception {
    Files.writeString(dir.resolve("bad.pem"), "not-a-key-0xdeadbeef\n");
    GitHubAppTokenSource source =
        new GitHubAppTokenSource(
            ref(9),
            new FileSecretSource(dir.resolve("bad.pem"), "file bad.pem", SecretValue.Form.DOCUMENT),
            Clock.systemUTC());

    SecretUnavailableException e =
        catchThrowableOfType(SecretUnavailableException.class, source::issue);

    assertThat(e).hasMessage("file bad.pem is not an RSA private key in PEM form");
  }

  private GitHubAppTokenSource source(KeyPair key, long installation) throws Exception {
    Path file = dir.resolve("key-" + System.nanoTime() + ".pem");
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(key);
    }
    Files.writeString(file, pem.toString());
    return new GitHubAppTokenSource(
        ref(installation),
        new FileSecretSource(file, "file key.pem", SecretValue.Form.DOCUMENT),
        Clock.systemUTC());
  }

  private SecretRef.GitHubApp ref(long installation) {
    return new SecretRef.GitHubApp(
        "77",
        installation,
        new SecretRef.File(dir.resolve("unused")),
        URI.create("https://localhost:" + github.port()),
        List.of("keyrelay"),
        Map.of("contents", "read"),
        dir.resolve("ca.pem"));
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
