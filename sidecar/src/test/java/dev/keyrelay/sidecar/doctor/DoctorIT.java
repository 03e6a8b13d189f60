package dev.keyrelay.sidecar.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor --config FILE} through the packaged jar, on a healthy and on a broken config. */
class DoctorIT {

  private static final String KEY = "sk-doctor-key-55e1";

  @TempDir static Path dir;
  static RecordingUpstream api;
  static ServerSocket database;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("doctor upstream CA");
    api = RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate()));
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    database = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Files.writeString(dir.resolve("key"), KEY + "\n");
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
    database.close();
  }

  private static SidecarProcess.Result doctor(String name, String config) throws Exception {
    Path file = Files.writeString(dir.resolve(name + ".yaml"), config);
    return SidecarProcess.run(
        dir.resolve(name + ".out"),
        Duration.ofSeconds(60),
        List.of(),
        List.of("doctor", "--config", file.toString()));
  }

  @Test
  void aHealthyConfigPassesEveryCheck() throws Exception {
    var result =
        doctor(
            "healthy",
            """
            proxy: { listen: "127.0.0.1:%d" }
            admin: { listen: "127.0.0.1:%d" }
            ca: { dir: ca-healthy }
            routes:
              - name: api
                match: { host: localhost, port: %d }
                upstream: { caFile: upstream-ca.pem }
                auth: { type: header, headerName: x-api-key }
                secret: { file: key }
            listeners:
              - name: db
                postgres:
                  listen: "127.0.0.1:%d"
                  upstream: { host: 127.0.0.1, port: %d }
                  user: agent
                secret: { file: key }
            """
                .formatted(
                    SidecarProcess.freePort(),
                    SidecarProcess.freePort(),
                    api.port(),
                    SidecarProcess.freePort(),
                    database.getLocalPort()));

    assertThat(result.exitCode()).as(result.output()).isZero();
    List<String> lines = result.output().lines().toList();
    assertThat(lines).allMatch(l -> l.startsWith("ok    ") || l.equals("all checks passed"));
    assertThat(lines)
        .anyMatch(l -> l.startsWith("ok    route api secret "))
        .anyMatch(
            l ->
                l.startsWith("ok    route api upstream localhost:" + api.port())
                    && l.endsWith("TLS handshake ok"))
        .anyMatch(
            l -> l.startsWith("ok    listener db upstream 127.0.0.1:") && l.endsWith("connect ok"))
        .anyMatch(l -> l.startsWith("ok    ca dir ") && l.endsWith("writable"))
        .anyMatch(l -> l.startsWith("ok    proxy.listen "))
        .anyMatch(l -> l.startsWith("ok    listener db listen "));
    assertThat(lines).hasSize(10);
    assertThat(result.output()).doesNotContain(KEY);
    assertThat(api.received()).as("a handshake, no request").isEmpty();
  }

  @Test
  void aBrokenConfigNamesEachFailureAndExitsOne() throws Exception {
    Files.writeString(dir.resolve("not-a-dir"), "x");
    try (ServerSocket busy = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      var result =
          doctor(
              "broken",
              """
              proxy: { listen: "127.0.0.1:%d" }
              admin: { listen: "127.0.0.1:%d" }
              ca: { dir: not-a-dir/ca }
              routes:
                - name: untrusted
                  match: { host: localhost, port: %d }
                  auth: { type: header, headerName: x-api-key }
                  secret: { file: missing-key }
                - name: nowhere
                  match: { host: nowhere.invalid }
                  auth: { type: header, headerName: x-api-key }
                  secret: { env: KEYRELAY_DOCTOR_UNSET }
              """
                  .formatted(busy.getLocalPort(), SidecarProcess.freePort(), api.port()));

      assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
      List<String> lines = result.output().lines().toList();
      assertThat(lines)
          .anyMatch(l -> l.startsWith("FAIL  route untrusted secret") && l.contains("unavailable"))
          .anyMatch(
              l ->
                  l.startsWith("FAIL  route untrusted upstream localhost:" + api.port())
                      && l.contains("TLS handshake"))
          .anyMatch(
              l ->
                  l.startsWith("FAIL  route nowhere secret") && l.contains("KEYRELAY_DOCTOR_UNSET"))
          .anyMatch(
              l ->
                  l.equals(
                      "FAIL  route nowhere upstream nowhere.invalid:443:"
                          + " cannot resolve nowhere.invalid"))
          .anyMatch(l -> l.startsWith("FAIL  ca dir ") && l.contains("not writable"))
          .anyMatch(l -> l.startsWith("FAIL  proxy.listen 127.0.0.1:" + busy.getLocalPort()))
          .anyMatch(l -> l.startsWith("ok    admin.listen "))
          .last()
          .isEqualTo("6 check(s) failed");
    }
  }

  @Test
  void anInvalidConfigIsOneFailedCheck() throws Exception {
    var result = doctor("invalid", "routes: [ { name: Bad_Name } ]\n");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).startsWith("FAIL  config ").contains("routes[0].name");
  }
}
