package dev.keyrelay.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /readyz?verbose} on the packaged jar, before and after a rejected reload, and the
 * JVM's meters registered once ready.
 */
class ReadinessReportIT {

  private static final String KEY = "sk-readyz-secret-91c2";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theVerboseReportExplainsEveryRouteListenerCaFileAndTheLastReload() throws Exception {
    Files.writeString(dir.resolve("key"), KEY + "\n");
    Files.createDirectories(dir.resolve("podinfo"));
    Files.writeString(dir.resolve("podinfo/labels"), "app=\"agent\"\n");
    Files.writeString(dir.resolve("podinfo/annotations"), "");
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    int pgPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        pod: { labelsFile: podinfo/labels, annotationsFile: podinfo/annotations }
        routes:
          - name: good
            match: { host: api.example.com }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            rules: [ { methods: [GET] } ]
            limits: { requestsPerMinute: 10 }
          - name: missing
            match: { host: other.example.com }
            auth: { type: header, headerName: x-api-key }
            secret: { file: not-there }
          - name: elsewhere
            match: { host: third.example.com }
            auth: { type: header, headerName: x-api-key }
            secret: { file: key }
            podSelector: { matchLabels: { team: other } }
        listeners:
          - name: db
            postgres: { listen: "127.0.0.1:%d", upstream: { host: 127.0.0.1, port: 1 }, user: u }
            secret: { env: KEYRELAY_TEST_UNSET_PASSWORD }
        """
            .formatted(proxyPort, adminPort, pgPort);
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);

    try (SidecarProcess sidecar = SidecarProcess.start(file, proxyPort, adminPort, Map.of())) {
      HttpResponse<String> plain = get(adminPort, "/readyz");
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(plain.body()).isEqualTo("ready\n");

      HttpResponse<String> verbose = get(adminPort, "/readyz?verbose");
      assertThat(verbose.statusCode()).isEqualTo(200);
      assertThat(verbose.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(verbose.body()).doesNotContain(KEY);
      JsonNode report = JSON.readTree(verbose.body());
      assertThat(report.get("ready").asBoolean()).isTrue();
      JsonNode good = report.get("routes").get(0);
      assertThat(good.get("name").asText()).isEqualTo("good");
      assertThat(good.get("rules").asInt()).isEqualTo(1);
      assertThat(good.get("limits").get("requestsPerMinute").asInt()).isEqualTo(10);
      assertThat(good.get("secret").get("state").asText()).isEqualTo("ok");
      assertThat(good.get("applies").asBoolean()).isTrue();
      JsonNode elsewhere = report.get("routes").get(2);
      assertThat(elsewhere.get("name").asText()).isEqualTo("elsewhere");
      assertThat(elsewhere.get("applies").asBoolean()).isFalse();
      assertThat(elsewhere.get("reason").asText()).contains("podSelector does not match");
      assertThat(elsewhere.has("secret")).as("a withheld route's secret is not read").isFalse();
      JsonNode missing = report.get("routes").get(1).get("secret");
      assertThat(missing.get("state").asText()).isEqualTo("unavailable");
      assertThat(missing.get("detail").asText()).contains("not-there");
      JsonNode db = report.get("listeners").get(0);
      assertThat(db.get("listen").asText()).isEqualTo("127.0.0.1:" + pgPort);
      assertThat(db.get("secret").get("state").asText()).isEqualTo("unavailable");
      assertThat(report.get("ca").get("files")).hasSize(3);
      report.get("ca").get("files").forEach(f -> assertThat(f.get("bytes").asLong()).isPositive());
      assertThat(report.get("config").get("file").asText()).endsWith("keyrelay.yaml");
      // Writing the CA files next to the config may already have made the watcher re-read it.
      assertThat(report.get("config").get("lastReload").get("outcome").asText())
          .isIn("none", "unchanged");

      // The JVM's meters are registered once the sidecar is ready, off the way to ready.
      String metrics = awaitMetrics(sidecar, "jvm_memory_used_bytes");
      assertThat(metrics).contains("process_cpu_seconds_total", "system_cpus ");
      assertThat(metrics).doesNotContain("process_cpu_time", KEY);

      Files.writeString(file, config.replace("name: missing", "name: Not_Valid"));
      JsonNode reloaded = awaitReload(adminPort, "rejected");
      assertThat(reloaded.get("config").get("lastReload").get("problems").get(0).asText())
          .contains("routes[1].name");
      assertThat(reloaded.get("routes")).as("still the running routes").hasSize(3);
      assertThat(get(adminPort, "/readyz").body()).isEqualTo("ready\n");
    }
  }

  private static JsonNode awaitReload(int adminPort, String outcome) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      JsonNode report = JSON.readTree(get(adminPort, "/readyz?verbose").body());
      if (report.get("config").get("lastReload").get("outcome").asText().equals(outcome)
          || System.nanoTime() > deadline) {
        return report;
      }
      Thread.sleep(100);
    }
  }

  private static String awaitMetrics(SidecarProcess sidecar, String name) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String metrics = sidecar.scrapeMetrics();
    while (!metrics.contains(name) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      metrics = sidecar.scrapeMetrics();
    }
    return metrics;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
