package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sidecar in a "pod" described by downward-API files: a route whose selector does not
 * match is absent (its host tunnelled like any unrouted host, its secret never opened, its listener
 * not bound), and label or annotation changes switch routes on and off like a reload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodRoutesIT {

  private static final String AGENTS_SECRET = "agents-secret-value-1";
  private static final String GOLD_SECRET = "gold-secret-value-2";

  @TempDir static Path dir;
  static TestPki pki;
  static RecordingUpstream agents;
  static RecordingUpstream other;
  static RecordingUpstream gold;
  static SidecarProcess sidecar;
  static Path fifo;
  static CompletableFuture<Void> fifoOpened;
  static int billingPort;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create("pod routes CA");
    var context = TestPki.serverContext(pki.serverCertificate());
    agents = RecordingUpstream.https(context);
    other = RecordingUpstream.https(context);
    gold = RecordingUpstream.https(context);
    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    Files.writeString(dir.resolve("agents-token"), AGENTS_SECRET);
    Files.writeString(dir.resolve("gold-token"), GOLD_SECRET);
    // The non-selected route's secret is a FIFO: opening it for writing returns only once a
    // reader opens it, so the future completes if and only if the sidecar ever opens the secret.
    fifo = dir.resolve("other-token");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    fifoOpened = new CompletableFuture<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                new FileOutputStream(fifo.toFile()).close();
                fifoOpened.complete(null);
              } catch (Exception e) {
                fifoOpened.completeExceptionally(e);
              }
            },
            "fifo-writer");
    writer.setDaemon(true);
    writer.start();
    writePodFile("labels", "app=\"agent\"\nteam=\"research\"\n");
    writePodFile("annotations", "keyrelay.dev/inject=\"true\"\n");

    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    billingPort = SidecarProcess.freePort();
    String config =
        """
        proxy: { listen: "127.0.0.1:%d" }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        pod: { labelsFile: podinfo/labels, annotationsFile: podinfo/annotations }
        egress:
          exceptions: [ localhost ]
        routes:
          - name: agents
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: agents-token }
            podSelector: { matchLabels: { app: agent } }
          - name: other
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: other-token }
            podSelector: { matchLabels: { team: other } }
          - name: gold
            match: { host: localhost, port: %d }
            upstream: { caFile: upstream-ca.pem }
            auth: { type: header, headerName: x-api-key }
            secret: { file: gold-token }
            podSelector:
              matchExpressions: [ { key: tier, operator: In, values: [ gold ] } ]
        listeners:
          - name: billing-db
            postgres: { listen: "127.0.0.1:%d", upstream: { host: localhost }, user: agent }
            secret: { file: other-token }
            podSelector:
              matchExpressions: [ { key: tier, operator: Exists } ]
        """
            .formatted(proxyPort, adminPort, agents.port(), other.port(), gold.port(), billingPort);
    Path file = dir.resolve("keyrelay.yaml");
    Files.writeString(file, config);
    sidecar = SidecarProcess.start(file, proxyPort, adminPort, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      String everything = sidecar.closeAndCollectOutput();
      assertThat(everything).doesNotContain(AGENTS_SECRET).doesNotContain(GOLD_SECRET);
    } finally {
      if (!fifoOpened.isDone()) {
        new FileInputStream(fifo.toFile()).close(); // lets the writer thread finish
      }
      agents.close();
      other.close();
      gold.close();
    }
  }

  /** Replaces a downward-API file atomically, as the kubelet does. */
  private static void writePodFile(String name, String content) throws Exception {
    Path podinfo = Files.createDirectories(dir.resolve("podinfo"));
    Path temp = Files.writeString(podinfo.resolve("." + name + ".tmp"), content);
    Files.move(temp, podinfo.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** curl through the proxy, trusting only {@code caFile}, sending a placeholder key. */
  private static Clients.Run get(RecordingUpstream upstream, Path caFile) throws Exception {
    return Clients.curl(
        sidecar.proxyUrl(),
        "--cacert",
        caFile.toString(),
        "-H",
        "x-api-key: placeholder",
        "-w",
        "\n%{http_code}",
        "https://localhost:" + upstream.port() + "/");
  }

  private static Path sidecarBundle() {
    return dir.resolve("ca/ca-bundle.crt");
  }

  private static Path upstreamCaOnly() {
    return dir.resolve("upstream-ca.pem");
  }

  private static void awaitReloads(int count) throws Exception {
    Pattern reloaded = Pattern.compile("config reloaded");
    String logs = sidecar.logsOnceThey(l -> reloaded.matcher(l).results().count() >= count);
    assertThat(reloaded.matcher(logs).results().count()).as(logs).isGreaterThanOrEqualTo(count);
  }

  private static boolean bound(int port) throws Exception {
    try {
      new Socket(InetAddress.getLoopbackAddress(), port).close();
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  @Test
  @Order(1)
  void aSelectedRouteGetsItsCredential() throws Exception {
    Clients.Run run = get(agents, sidecarBundle());

    assertThat(run.stdout()).endsWith("200");
    assertThat(agents.last().header("x-api-key")).isEqualTo(AGENTS_SECRET);
  }

  @Test
  @Order(2)
  void aNonSelectedRoutesHostIsTunnelledLikeAnUnroutedHostAndItsSecretNeverOpened()
      throws Exception {
    // Trusting only the upstream's own CA: a certificate minted by the sidecar would fail, so a
    // 200 means the sidecar tunnelled the bytes without intercepting them.
    Clients.Run run = get(other, upstreamCaOnly());

    assertThat(run.stdout()).as(run.stderr()).endsWith("200");
    assertThat(other.last().header("x-api-key")).isEqualTo("placeholder");
    // The same request trusting only the sidecar CA fails: nothing was minted for this host.
    assertThat(get(other, dir.resolve("ca/ca.crt")).exitCode()).isEqualTo(60);
    Thread.sleep(200);
    assertThat(fifoOpened).isNotDone();
    assertThat(sidecar.scrapeMetrics()).doesNotContain("route=\"other\"");
    assertThat(sidecar.logs()).doesNotContain("\"route\":\"other\"");
  }

  @Test
  @Order(3)
  void aListenerThatDoesNotApplyIsNotBound() throws Exception {
    assertThat(bound(billingPort)).isFalse();
  }

  @Test
  @Order(4)
  void aLabelChangeSwitchesARouteAndAListenerOn() throws Exception {
    assertThat(get(gold, upstreamCaOnly()).stdout()).endsWith("200");
    assertThat(gold.last().header("x-api-key")).isEqualTo("placeholder");

    writePodFile("labels", "app=\"agent\"\nteam=\"research\"\ntier=\"gold\"\n");
    awaitReloads(1);

    Clients.Run run = get(gold, sidecarBundle());
    assertThat(run.stdout()).as(run.stderr()).endsWith("200");
    assertThat(gold.last().header("x-api-key")).isEqualTo(GOLD_SECRET);
    assertThat(bound(billingPort)).isTrue();
    assertThat(fifoOpened).isNotDone(); // binding a listener reads no secret either
  }

  @Test
  @Order(5)
  void theRoutesAnnotationNarrowsAndTheDroppedRouteIsAbsentAgain() throws Exception {
    writePodFile("annotations", "keyrelay.dev/inject=\"true\"\nkeyrelay.dev/routes=\"gold\"\n");
    awaitReloads(2);

    Clients.Run dropped = get(agents, upstreamCaOnly());
    assertThat(dropped.stdout()).as(dropped.stderr()).endsWith("200");
    assertThat(agents.last().header("x-api-key")).isEqualTo("placeholder");
    assertThat(get(gold, sidecarBundle()).stdout()).endsWith("200");
    assertThat(gold.last().header("x-api-key")).isEqualTo(GOLD_SECRET);
    assertThat(bound(billingPort)).isFalse();
    assertThat(fifoOpened).isNotDone();
  }

  @Test
  @Order(6)
  void anUnreadableLabelsFileKeepsTheRunningRoutes() throws Exception {
    writePodFile("labels", "tier=gold-without-quotes\n");
    String logs = sidecar.logsOnceThey(l -> l.contains("pod.labelsFile"));
    assertThat(logs).contains("pod.labelsFile: line 1 is not a downward-API entry");

    assertThat(get(gold, sidecarBundle()).stdout()).endsWith("200");
    assertThat(gold.last().header("x-api-key")).isEqualTo(GOLD_SECRET);
    assertThat(fifoOpened).isNotDone();
  }
}
