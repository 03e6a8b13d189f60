package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sidecar restarted with {@code ca.keyFile}: the CA certificate is byte-identical, so
 * a client that loaded the bundle before the restart still works; a corrupt key file gives a new CA
 * and a warning, never a failed start.
 */
class CaRestartIT {

  private static final String SECRET = "restart-secret-value";

  @TempDir static Path dir;
  static RecordingUpstream upstream;

  @BeforeAll
  static void upstream() throws Exception {
    TestPki pki = TestPki.create("restart upstream CA");
    upstream = RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate()));
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.writeString(dir.resolve("token"), SECRET);
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  /** A sidecar on fresh ports with the same CA directory and key file. */
  private static SidecarProcess start() throws Exception {
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path config = dir.resolve("keyrelay.yaml");
    Files.writeString(
        config,
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca, keyFile: ca-key/ca.pem }
        routes:
          - name: api
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: token }
        """
            .formatted(proxyPort, adminPort, upstream.port()));
    return SidecarProcess.start(config, proxyPort, adminPort, Map.of());
  }

  private static Clients.Run get(SidecarProcess sidecar, Path trusted) throws Exception {
    return Clients.curl(
        sidecar.proxyUrl(),
        "--cacert",
        trusted.toString(),
        "-w",
        "\n%{http_code}",
        "https://localhost:" + upstream.port() + "/");
  }

  @Test
  void aRestartedSidecarServesTheSameCaAndACorruptKeyFileOnlyCostsANewOne() throws Exception {
    Path keyFile = dir.resolve("ca-key/ca.pem");
    Path oldBundle = dir.resolve("bundle-loaded-at-start.crt");
    byte[] firstCa;
    try (SidecarProcess sidecar = start()) {
      firstCa = Files.readAllBytes(dir.resolve("ca/ca.crt"));
      Files.copy(dir.resolve("ca/ca-bundle.crt"), oldBundle);
      assertThat(get(sidecar, oldBundle).stdout()).endsWith("200");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");

    try (SidecarProcess restarted = start()) {
      assertThat(Files.readAllBytes(dir.resolve("ca/ca.crt"))).isEqualTo(firstCa);
      Clients.Run run = get(restarted, oldBundle);
      assertThat(run.stdout()).as(run.stderr()).endsWith("200");
      assertThat(upstream.last().header("x-api-key")).isEqualTo(SECRET);
      assertThat(restarted.logs()).contains("reusing the CA kept in").doesNotContain("WARN");
    }

    Files.writeString(keyFile, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
    try (SidecarProcess afterCorruption = start()) {
      assertThat(Files.readAllBytes(dir.resolve("ca/ca.crt"))).isNotEqualTo(firstCa);
      assertThat(afterCorruption.logs()).contains("WARN").contains("holds no usable CA");
      // The old bundle no longer verifies the new CA's certificates (curl: peer certificate).
      assertThat(get(afterCorruption, oldBundle).exitCode()).isEqualTo(60);
      assertThat(get(afterCorruption, dir.resolve("ca/ca-bundle.crt")).stdout()).endsWith("200");
      assertThat(Files.readString(keyFile)).contains("BEGIN PRIVATE KEY");
    }
  }
}
