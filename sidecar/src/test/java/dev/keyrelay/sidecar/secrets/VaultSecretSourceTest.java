package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.config.VaultSettings;
import dev.keyrelay.sidecar.testing.TestPki;
import dev.keyrelay.sidecar.testing.VaultTestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Vault source against a local server speaking Vault's API, through vault-java-driver. */
class VaultSecretSourceTest {

  private static final String ROLE = "keyrelay-agent";
  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.projected-sa-token.sig";
  private static final String PATH = "secret/data/agents/internal";
  private static final String VALUE = "vault-secret-value-4f2a9b";

  @TempDir Path dir;
  private VaultTestServer vault;
  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void start() throws Exception {
    vault = VaultTestServer.http();
    vault.acceptKubernetesLogin(ROLE, JWT);
    vault.put(PATH, Map.of("key", VALUE, "other", "x"));
    Files.writeString(dir.resolve("sa-token"), JWT + "\n");
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  @Test
  void logsInWithTheServiceAccountTokenAndRoleThenReadsTheField() throws Exception {
    VaultSecretSource source = kubernetesSource("team-a", PATH, "key");

    assertThat(source.read().reveal()).isEqualTo(VALUE);
    assertThat(source.read().reveal()).isEqualTo(VALUE);

    assertThat(vault.logins()).containsExactly(new VaultTestServer.Login(ROLE, JWT));
    assertThat(vault.requests())
        .extracting(VaultTestServer.Request::path)
        .containsExactly("auth/kubernetes/login", PATH, PATH);
    assertThat(vault.requests()).allMatch(r -> "team-a".equals(r.namespace()));
  }

  @Test
  void aMissingSecretOrFieldFailsAtOnceAndIsNotAnOutage() throws Exception {
    SecretUnavailableException missing = failure(kubernetesSource(null, "secret/data/nope", "key"));
    SecretUnavailableException noField = failure(kubernetesSource(null, PATH, "absent"));

    assertThat(missing).isNotInstanceOf(SecretStoreDownException.class).hasMessageContaining("404");
    assertThat(noField)
        .isNotInstanceOf(SecretStoreDownException.class)
        .hasMessageContaining("has no field absent");
  }

  @Test
  void aPolicyDenialFailsAtOnceWithoutLoggingInAgain() throws Exception {
    vault.deny(PATH);

    SecretUnavailableException denied = failure(kubernetesSource(null, PATH, "key"));

    assertThat(denied)
        .isNotInstanceOf(SecretStoreDownException.class)
        .hasMessageContaining("denied reading " + PATH + " (HTTP 403)");
    assertThat(vault.logins()).hasSize(1);
  }

  @Test
  void aRevokedTokenLeadsToANewLogin() throws Exception {
    VaultSecretSource source = kubernetesSource(null, PATH, "key");
    source.read();

    vault.revokeAllTokens();

    assertThat(source.read().reveal()).isEqualTo(VALUE);
    assertThat(vault.logins()).hasSize(2);
  }

  @Test
  void theTokenIsRenewedBeforeItExpiresAndReplacedWhenRenewalIsRefused() throws Exception {
    vault.tokenTtl(Duration.ofSeconds(60));
    VaultSecretSource source = kubernetesSource(null, PATH, "key");
    source.read();

    clock.advance(Duration.ofSeconds(41));
    source.read();
    assertThat(vault.renewals()).isEqualTo(1);
    assertThat(vault.logins()).hasSize(1);

    vault.revokeAllTokens();
    clock.advance(Duration.ofSeconds(41));
    assertThat(source.read().reveal()).isEqualTo(VALUE);
    assertThat(vault.logins()).hasSize(2);
  }

  @Test
  void aWrongRoleIsARefusalNotAnOutage() throws Exception {
    vault.acceptKubernetesLogin("another-role", JWT);

    SecretUnavailableException refused = failure(kubernetesSource(null, PATH, "key"));

    assertThat(refused)
        .isNotInstanceOf(SecretStoreDownException.class)
        .hasMessageContaining("kubernetes login for role " + ROLE + " (HTTP 400)");
  }

  @Test
  void aStoppedServerIsAnOutage() throws Exception {
    VaultSecretSource source = kubernetesSource(null, PATH, "key");
    source.read();
    vault.close();

    assertThat(failure(source))
        .isInstanceOf(SecretStoreDownException.class)
        .hasMessageContaining("could not be reached");
  }

  @Test
  void tokenFileAuthUsesTheFilesTokenWithoutLoggingIn() throws Exception {
    vault.issueToken("hvs.from-vault-agent");
    Files.writeString(dir.resolve("vault-token"), "hvs.from-vault-agent\n");
    VaultSettings settings =
        new VaultSettings(
            URI.create("http://127.0.0.1:" + vault.port()),
            null,
            null,
            new VaultSettings.TokenFile(dir.resolve("vault-token")));

    assertThat(source(settings, PATH, "key").read().reveal()).isEqualTo(VALUE);
    assertThat(vault.logins()).isEmpty();
  }

  @Test
  void httpsVaultIsTrustedThroughTheCaFile() throws Exception {
    TestPki pki = TestPki.create("vault CA");
    try (VaultTestServer tls =
        VaultTestServer.https(TestPki.serverContext(pki.serverCertificate()))) {
      tls.acceptKubernetesLogin(ROLE, JWT);
      tls.put(PATH, Map.of("key", VALUE));
      VaultSettings settings =
          new VaultSettings(
              URI.create("https://localhost:" + tls.port()),
              null,
              pki.writeCaPem(dir.resolve("vault-ca.pem")),
              new VaultSettings.Kubernetes(ROLE, dir.resolve("sa-token")));
      VaultSettings untrusting = new VaultSettings(settings.address(), null, null, settings.auth());

      assertThat(source(settings, PATH, "key").read().reveal()).isEqualTo(VALUE);
      assertThat(failure(source(untrusting, PATH, "key"))).hasMessageNotContaining(VALUE);
    }
  }

  private VaultSecretSource kubernetesSource(String namespace, String path, String field) {
    return source(
        new VaultSettings(
            URI.create("http://127.0.0.1:" + vault.port()),
            namespace,
            null,
            new VaultSettings.Kubernetes(ROLE, dir.resolve("sa-token"))),
        path,
        field);
  }

  private VaultSecretSource source(VaultSettings settings, String path, String field) {
    VaultClient client = new VaultClient(settings);
    return new VaultSecretSource(
        new SecretRef.Vault(path, field),
        client,
        new VaultSession(client, settings.auth(), clock),
        SecretValue.Form.LINE);
  }

  private static SecretUnavailableException failure(VaultSecretSource source) {
    SecretUnavailableException e =
        catchThrowableOfType(SecretUnavailableException.class, source::read);
    assertThat(e).as("expected the read to fail").isNotNull();
    assertThat(e.getMessage()).doesNotContain(VALUE).doesNotContain(JWT);
    return e;
  }

  /** A clock the test moves forward. */
  private static final class MutableClock extends Clock {

    private volatile Instant now = Instant.parse("2026-11-23T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
