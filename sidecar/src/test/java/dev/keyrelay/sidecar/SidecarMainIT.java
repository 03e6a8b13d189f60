package dev.keyrelay.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyrelay.sidecar.testing.Clients;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's command-line modes and its shutdown endpoint, run as real processes. */
class SidecarMainIT {

  private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Path config(String proxyListen, String adminListen) throws IOException {
    return Files.writeString(
        dir.resolve("keyrelay.yaml"),
        """
        proxy: { listen: "%s" }
        admin: { listen: "%s" }
        ca: { dir: ca }
        """
            .formatted(proxyListen, adminListen));
  }

  private static HttpResponse<String> post(InetAddress host, int port, String path)
      throws Exception {
    URI uri = URI.create("http://" + host.getHostAddress() + ":" + port + path);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void quitquitquitFromLoopbackStopsTheProcessWithExitCode0() throws Exception {
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    // As in a pod: the admin port listens on every address.
    Path config = config("127.0.0.1:" + proxyPort, "0.0.0.0:" + adminPort);
    try (SidecarProcess sidecar = SidecarProcess.start(config, proxyPort, adminPort, Map.of())) {
      Optional<InetAddress> otherPod = nonLoopbackAddress();
      if (otherPod.isPresent()) {
        // Connecting to this machine's own non-loopback address makes it the peer address too.
        HttpResponse<String> refused = post(otherPod.get(), adminPort, "/quitquitquit");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(sidecar.isAlive()).isTrue();
      }

      HttpResponse<String> response =
          post(InetAddress.getLoopbackAddress(), adminPort, "/quitquitquit");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("stopping\n");
      assertThat(sidecar.awaitExit(EXIT_WITHIN)).as(sidecar.logs()).isZero();
      assertThat(sidecar.logs()).contains("stopping: /quitquitquit");
    }
  }

  /** Runs the jar with {@code --exit-when-ready}, the admin port on {@code adminPort}. */
  private SidecarProcess.Result runUntilReady(int adminPort) throws Exception {
    Path config = config("127.0.0.1:" + SidecarProcess.freePort(), "127.0.0.1:" + adminPort);
    return SidecarProcess.run(
        dir.resolve("run.log"),
        EXIT_WITHIN,
        List.of(),
        List.of("--config", config.toString(), "--exit-when-ready"));
  }

  @Test
  void exitWhenReadyExitsZeroWithEveryCaFileWritten() throws Exception {
    SidecarProcess.Result result = runUntilReady(SidecarProcess.freePort());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("keyrelay sidecar listening")
        .doesNotContain("\"level\":\"DEBUG\"");
    // A log collector gets one JSON object per line, start-up included, every queued line
    // written before the exit.
    ObjectMapper json = new ObjectMapper();
    assertThat(result.output().lines())
        .isNotEmpty()
        .allSatisfy(line -> assertThat(json.readTree(line).isObject()).as(line).isTrue());
    for (String file : List.of("ca.crt", "ca-bundle.crt", "ca-truststore.p12")) {
      assertThat(dir.resolve("ca").resolve(file)).isNotEmptyFile();
    }
  }

  @Test
  void keyrelayLogLevelSetsTheLevel() throws Exception {
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path config = config("127.0.0.1:" + proxyPort, "127.0.0.1:" + adminPort);
    try (SidecarProcess sidecar =
        SidecarProcess.start(config, proxyPort, adminPort, Map.of("KEYRELAY_LOG_LEVEL", "debug"))) {
      assertThat(sidecar.logsOnceThey(logs -> logs.contains("listening")))
          .contains("\"level\":\"DEBUG\"", "system roots for ca-bundle.crt");
    }
  }

  @Test
  void aLogbackConfigurationFileReplacesTheJsonLogging() throws Exception {
    Path logback =
        Files.writeString(
            dir.resolve("logback.xml"),
            """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>PLAIN %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """);
    Path config =
        config("127.0.0.1:" + SidecarProcess.freePort(), "127.0.0.1:" + SidecarProcess.freePort());

    SidecarProcess.Result result =
        SidecarProcess.run(
            dir.resolve("run.log"),
            EXIT_WITHIN,
            List.of("-Dlogback.configurationFile=" + logback),
            List.of("--config", config.toString(), "--exit-when-ready"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("PLAIN keyrelay sidecar listening")
        .doesNotContain("\"message\"");
  }

  @Test
  void aPortThatCannotBeBoundExits1InsteadOfHanging() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SidecarProcess.Result result = runUntilReady(taken.getLocalPort());

      assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
      assertThat(result.output())
          .contains("keyrelay: cannot start", String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void proxyPortOnTheCommandLineReplacesThePortInTheFile() throws Exception {
    int filePort = SidecarProcess.freePort();
    int cliPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path config = config("127.0.0.1:" + filePort, "127.0.0.1:" + adminPort);

    try (SidecarProcess sidecar =
        SidecarProcess.start(
            config,
            cliPort,
            adminPort,
            Map.of(),
            List.of(),
            List.of("--proxy-port", "" + cliPort))) {
      // The proxy answers on the command line's port: loopback is not an allowed destination.
      var run =
          Clients.curl(
              sidecar.proxyUrl(),
              "-s",
              "-o",
              "/dev/null",
              "-w",
              "%{http_code}",
              "http://127.0.0.1:9/");
      assertThat(run.stdout()).isEqualTo("403");
      assertThatThrownBy(
              () -> {
                try (Socket socket = new Socket()) {
                  socket.connect(new InetSocketAddress("127.0.0.1", filePort));
                }
              })
          .as("nothing listens on the file's port")
          .isInstanceOf(IOException.class);
      assertThat(sidecar.logsOnceThey(logs -> logs.contains("listening")))
          .contains("proxy=127.0.0.1:" + cliPort);
    }
  }

  @Test
  void badProxyPortExits2WithTheReasonAndTheUsage() throws Exception {
    SidecarProcess.Result result =
        SidecarProcess.run(
            dir.resolve("run.log"),
            EXIT_WITHIN,
            List.of(),
            List.of("--config", "any.yaml", "--proxy-port", "70000"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output())
        .contains("--proxy-port: \"70000\" is not valid; expected a port from 1 to 65535")
        .contains("usage: keyrelay-sidecar --config FILE");
  }

  @Test
  void waitForFileExits0OnceTheFileHasContentWithoutLoadingNettyOrAConfig() throws Exception {
    Path file = dir.resolve("ca-bundle.crt");
    Path classes = dir.resolve("classes.log");
    CompletableFuture<SidecarProcess.Result> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return SidecarProcess.run(
                    dir.resolve("wait.log"),
                    EXIT_WITHIN,
                    List.of("-Xmx16m", "-Xlog:class+load=info:file=" + classes),
                    List.of("--wait-for-file", file.toString(), "--timeout-seconds", "60"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(1500);
    assertThat(waiting).as("still waiting for the file").isNotDone();

    Files.writeString(file, "-----BEGIN CERTIFICATE-----\n");

    SidecarProcess.Result result = waiting.get(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.output()).isZero();
    String loaded = Files.readString(classes);
    assertThat(loaded).contains(FileWait.class.getName());
    assertThat(loaded)
        .doesNotContain("io.netty.")
        .doesNotContain("ch.qos.logback.")
        .doesNotContain("dev.keyrelay.sidecar.config.ConfigLoader");
  }

  @Test
  void waitForFileExits1WithAMessageAtTheTimeout() throws Exception {
    Path file = dir.resolve("never.crt");

    SidecarProcess.Result result =
        SidecarProcess.run(
            dir.resolve("wait.log"),
            EXIT_WITHIN,
            List.of(),
            List.of("--wait-for-file", file.toString(), "--timeout-seconds", "1"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).contains(file + " is still missing or empty after 1 s");
  }

  /** An IPv4 address of this machine other than loopback, if it has one. */
  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(
            nic -> {
              try {
                return nic.isUp() && !nic.isLoopback();
              } catch (IOException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress())
        .findFirst();
  }
}
