package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.KubeletVolume;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kubernetes Secret volume rotated the way the kubelet does it while the packaged sidecar is
 * injecting its value: every request uses a whole, current value.
 */
class KubernetesSecretRotationIT {

  private static final String A = "a".repeat(40) + "-rotated-key-alpha";
  private static final String B = "b".repeat(40) + "-rotated-key-bravo";

  @TempDir static Path dir;
  static RecordingUpstream upstream;
  static SidecarProcess sidecar;
  static KubeletVolume volume;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("rotation CA");
    upstream = RecordingUpstream.https(TestPki.serverContext(pki.serverCertificate()));
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    volume = KubeletVolume.create(dir.resolve("mounts/api-token"), "token", A);
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path config = dir.resolve("keyrelay.yaml");
    Files.writeString(
        config,
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        secrets: { kubernetesMountRoot: mounts }
        routes:
          - name: api
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { kubernetes: { name: api-token, key: token } }
        """
            .formatted(proxyPort, adminPort, upstream.port()));
    sidecar = SidecarProcess.start(config, proxyPort, adminPort, Map.of());
    X509Certificate ca;
    ca = TestPki.readCertificate(dir.resolve("ca/ca.crt"));
    client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
            .sslContext(TestPki.trusting(ca))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        assertThat(sidecar.closeAndCollectOutput()).doesNotContain(A, B);
      }
    } finally {
      upstream.close();
    }
  }

  @Test
  void theRequestAfterASwapUsesTheNewValue() throws Exception {
    for (int i = 0; i < 10; i++) {
      String next = i % 2 == 0 ? B : A;
      volume.swap(next);

      assertThat(send().statusCode()).isEqualTo(200);
      assertThat(upstream.last().header("x-api-key")).isEqualTo(next);
    }
  }

  @Test
  void swapsUnderConcurrentLoadNeverYieldAnEmptyOrMixedValue() throws Exception {
    upstream.clear();
    AtomicBoolean rotating = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    List<Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      loops.add(
          callers.submit(
              () -> {
                while (rotating.get()) {
                  try {
                    if (send().statusCode() != 200) {
                      failures.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failures.incrementAndGet();
                  }
                }
              }));
    }
    try {
      for (int i = 1; i <= 100; i++) {
        volume.swap(i % 2 == 0 ? A : B);
        Thread.sleep(5);
      }
    } finally {
      rotating.set(false);
      for (Future<?> loop : loops) {
        loop.get(60, TimeUnit.SECONDS);
      }
      callers.shutdownNow();
    }

    List<String> injected = upstream.received().stream().map(r -> r.header("x-api-key")).toList();
    assertThat(failures).hasValue(0);
    assertThat(injected).hasSizeGreaterThan(20).containsOnly(A, B).contains(A, B);
  }

  private static HttpResponse<String> send() throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + upstream.port() + "/v1/x"))
            .header("x-api-key", "placeholder")
            .timeout(Duration.ofSeconds(15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
