package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.RecordingUpstream;
import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sidecar against an agent that misbehaves on purpose, over raw sockets: slow and
 * oversized request heads, idle and busy tunnels, more connections than allowed, authorities that
 * resolvers read in other ways, and garbage inside intercepted tunnels. What the agent's sockets
 * see and what the sidecar logs are the assertions.
 */
class AgentConnectionLimitsIT {

  private static final String API_KEY = "sk-hostile-agent-test-4d2f";

  @TempDir static Path dir;
  @TempDir static Path cappedDir;
  static RecordingUpstream plain;
  static TunnelPeer peer;
  static SidecarProcess sidecar;
  static SidecarProcess capped;
  static int routedPort;

  @BeforeAll
  static void start() throws Exception {
    plain = RecordingUpstream.http();
    peer = new TunnelPeer();
    // Only its port is used: the route makes CONNECTs to it intercepted, nothing goes upstream.
    routedPort = SidecarProcess.freePort();
    Files.writeString(dir.resolve("api-key"), API_KEY);
    String egress =
        """
        egress:
          exceptions: [ "127.0.0.1:%d", "127.0.0.1:%d" ]
        routes:
          - name: api
            match: { host: localhost, port: %d }
            auth: { type: header, headerName: x-api-key }
            secret: { file: api-key }
        """
            .formatted(plain.port(), peer.port(), routedPort);
    sidecar =
        start(
            dir,
            "headerTimeout: 1s, idleTimeout: 1s, clientIdleTimeout: 2s, maxConnections: 2000",
            egress);
    Files.writeString(cappedDir.resolve("api-key"), API_KEY);
    capped = start(cappedDir, "maxConnections: 5", egress);
  }

  private static SidecarProcess start(Path dir, String proxy, String rest) throws Exception {
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path config = dir.resolve("keyrelay.yaml");
    Files.writeString(
        config,
        """
        proxy: { listen: "127.0.0.1:%d", %s }
        admin: { listen: "127.0.0.1:%d" }
        ca: { dir: ca }
        """
                .formatted(proxyPort, proxy, adminPort)
            + rest);
    return SidecarProcess.start(config, proxyPort, adminPort, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    for (SidecarProcess process : new SidecarProcess[] {sidecar, capped}) {
      if (process != null) {
        assertThat(process.closeAndCollectOutput()).doesNotContain(API_KEY);
      }
    }
    plain.close();
    peer.close();
  }

  @Test
  void fiveHundredSlowHeadsAreAnswered408AndClosedWhileANormalClientIsServed() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 500; i++) {
        Socket socket = new Socket("127.0.0.1", sidecar.proxyPort());
        socket.setSoTimeout(15_000);
        // A head that never ends, as slowloris sends it.
        socket
            .getOutputStream()
            .write(
                ("GET http://127.0.0.1:" + plain.port() + "/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-")
                    .getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      assertThat(status(plainGet(sidecar, "/normal"))).isEqualTo(200);

      for (Socket socket : slow) {
        String answer = readToEnd(socket);
        assertThat(answer)
            .startsWith("HTTP/1.1 408 ")
            .contains("\"type\":\"https://keyrelay.dev/problems/header-timeout\"");
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
    assertThat(plain.received())
        .extracting(RecordingUpstream.Received::uri)
        .doesNotContain("/slow");
    assertThat(sidecar.scrapeMetrics()).contains("keyrelay_client_timeouts_total{kind=\"header\"}");
  }

  @Test
  void connectionsBeyondTheCapGet503UntilOneCloses() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      // Five connections that send nothing: the sidecar accepts them in order, before the sixth.
      for (int i = 0; i < 5; i++) {
        held.add(new Socket("127.0.0.1", capped.proxyPort()));
      }

      String refused = plainGet(capped, "/refused");
      assertThat(refused)
          .startsWith("HTTP/1.1 503 ")
          .contains("retry-after: 1")
          .contains("\"type\":\"https://keyrelay.dev/problems/too-many-connections\"")
          .contains("maximum of 5 connections (proxy.maxConnections)");

      held.remove(0).close();
      assertThat(status(awaitAdmitted(capped, "/after"))).isEqualTo(200);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    assertThat(plain.received())
        .extracting(RecordingUpstream.Received::uri)
        .doesNotContain("/refused");
    assertThat(capped.scrapeMetrics()).contains("keyrelay_connections_refused_total");
    assertThat(capped.logsOnceThey(logs -> logs.contains("connection limit reached")))
        .contains("\"max_connections\":5");
  }

  @Test
  void busyTunnelsLiveOnBeyondTheIdleTimeoutAndASilentOneIsClosed() throws Exception {
    // clientIdleTimeout is 2 s; each transfer below takes 3 s, one byte every 250 ms.
    try (Socket download = connect(sidecar, "127.0.0.1", peer.port())) {
      download.getOutputStream().write('d');
      assertThat(readToEnd(download)).isEqualTo("............");
    }
    try (Socket upload = connect(sidecar, "127.0.0.1", peer.port())) {
      OutputStream out = upload.getOutputStream();
      out.write('u');
      for (int i = 0; i < 12; i++) {
        Thread.sleep(250);
        out.write('.');
      }
      assertThat(readToEnd(upload)).isEqualTo("received 12");
    }
    try (Socket silent = connect(sidecar, "127.0.0.1", peer.port())) {
      silent.getOutputStream().write('s');
      long started = System.nanoTime();
      assertThat(silent.getInputStream().read()).as("closed by the sidecar").isEqualTo(-1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
    }
    assertThat(sidecar.scrapeMetrics()).contains("keyrelay_client_timeouts_total{kind=\"idle\"}");
  }

  @Test
  void oversizedHeadsGet414Or431AndTooManyHeadersGet431() throws Exception {
    String longTarget = "/" + "a".repeat(17 * 1024);
    assertThat(plainGet(sidecar, longTarget))
        .startsWith("HTTP/1.1 414 ")
        .contains("\"type\":\"https://keyrelay.dev/problems/request-line-too-long\"");
    assertThat(plainGet(sidecar, "/big", "X-Big: " + "b".repeat(70 * 1024)))
        .startsWith("HTTP/1.1 431 ")
        .contains("\"type\":\"https://keyrelay.dev/problems/headers-too-large\"");

    List<String> hundred = new ArrayList<>();
    for (int i = 1; i < 99; i++) { // with Host and Connection, 100 fields: the limit is fine
      hundred.add("X-Field-" + i + ": " + i);
    }
    assertThat(status(plainGet(sidecar, "/hundred", hundred.toArray(String[]::new))))
        .isEqualTo(200);
    hundred.add("X-Field-99: 99");
    assertThat(plainGet(sidecar, "/hundred-and-one", hundred.toArray(String[]::new)))
        .startsWith("HTTP/1.1 431 ")
        .contains("more than 100 fields");
    assertThat(plain.received())
        .extracting(RecordingUpstream.Received::uri)
        .contains("/hundred")
        .doesNotContain("/hundred-and-one", "/big");
  }

  @Test
  void connectTargetsThatAreNotAPlainHostAndPortGet400() throws Exception {
    for (String target :
        List.of(
            "127.0.0.1:+" + peer.port(),
            "127.0.0.1:0" + peer.port(),
            "user@127.0.0.1:" + peer.port(),
            "0177.0.0.1:" + peer.port(),
            "0x7f.1:" + peer.port(),
            "127.1:" + peer.port(),
            "2130706433:" + peer.port())) {
      try (Socket socket = new Socket("127.0.0.1", sidecar.proxyPort())) {
        socket.setSoTimeout(15_000);
        socket
            .getOutputStream()
            .write(
                ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        assertThat(readToEnd(socket))
            .as(target)
            .startsWith("HTTP/1.1 400 ")
            .contains("bad CONNECT target");
      }
    }
  }

  @Test
  void clientErrorsInInterceptedTunnelsAreOneLineEachWithoutAStackTrace() throws Exception {
    X509Certificate ca;
    try (InputStream pem = Files.newInputStream(dir.resolve("ca/ca.crt"))) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem);
    }
    // Plain text where the TLS handshake belongs.
    try (Socket socket = connect(sidecar, "localhost", routedPort)) {
      socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readToEnd(socket)).isEmpty();
    }
    // A client that does not trust the sidecar's CA refuses its certificate.
    try (Socket socket = connect(sidecar, "localhost", routedPort);
        SSLSocket tls = overTls(socket, SSLContext.getDefault(), "http/1.1")) {
      assertThat(handshakeFails(tls)).isTrue();
    }
    // A reset in the middle of the handshake.
    try (Socket socket = connect(sidecar, "localhost", routedPort)) {
      socket.getOutputStream().write(new byte[] {0x16, 3, 1, 2, 0, 1, 0, 1, (byte) 252, 3, 3});
      socket.setSoLinger(true, 0);
    }
    // HTTP/2 with a SETTINGS frame of an impossible length: a connection error.
    try (Socket socket = connect(sidecar, "localhost", routedPort);
        SSLSocket tls = overTls(socket, TestPki.trusting(ca), "h2")) {
      tls.startHandshake();
      assertThat(tls.getApplicationProtocol()).isEqualTo("h2");
      OutputStream out = tls.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5});
      out.flush();
      readToEnd(tls);
    }

    String logs =
        sidecar.logsOnceThey(
            l ->
                l.contains("\"kind\":\"not_tls\"")
                    && l.contains("\"kind\":\"tls_failed\"")
                    && l.contains("\"kind\":\"http2_protocol_error\""));
    assertThat(logs)
        .contains("\"kind\":\"not_tls\"")
        .contains("\"kind\":\"tls_failed\"")
        .contains("\"kind\":\"http2_protocol_error\"")
        .doesNotContain("reached the tail")
        .doesNotContain("stack_trace")
        .doesNotContain("\tat ")
        .doesNotContain("\"logger\":\"io.netty");
    assertThat(sidecar.isAlive()).isTrue();
    assertThat(status(plainGet(sidecar, "/still-serving"))).isEqualTo(200);
  }

  private static boolean handshakeFails(SSLSocket tls) {
    try {
      tls.startHandshake();
      return false;
    } catch (IOException expected) {
      return true;
    }
  }

  private static SSLSocket overTls(Socket tunnel, SSLContext context, String alpn)
      throws IOException {
    SSLSocket tls =
        (SSLSocket) context.getSocketFactory().createSocket(tunnel, "localhost", routedPort, false);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {alpn});
    tls.setSSLParameters(parameters);
    return tls;
  }

  /** Opens a CONNECT tunnel and reads the 200, leaving the socket at the tunnel's first byte. */
  private static Socket connect(SidecarProcess proxy, String host, int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", proxy.proxyPort());
    socket.setSoTimeout(15_000);
    String target = host + ":" + port;
    socket
        .getOutputStream()
        .write(
            ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after CONNECT: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200 ");
    return socket;
  }

  private static byte[] plainGetRequest(String path, String... headers) {
    StringBuilder request =
        new StringBuilder("GET http://127.0.0.1:" + plain.port() + path + " HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:")
            .append(plain.port())
            .append("\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request
        .append("Connection: close\r\n\r\n")
        .toString()
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One plain-HTTP request through the proxy on a new connection; the whole answer. */
  private static String plainGet(SidecarProcess proxy, String path, String... headers)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", proxy.proxyPort())) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(plainGetRequest(path, headers));
      return readToEnd(socket);
    }
  }

  /** The sidecar notices a closed connection a moment after the client closed it. */
  private static String awaitAdmitted(SidecarProcess proxy, String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String answer = plainGet(proxy, path);
    while (answer.startsWith("HTTP/1.1 503 ") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      answer = plainGet(proxy, path);
    }
    return answer;
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  /** Everything until the peer closes; a reset after some bytes ends it too. */
  private static String readToEnd(Socket socket) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    InputStream in = socket.getInputStream();
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      if (all.size() == 0 && !(socket instanceof SSLSocket)) {
        throw reset;
      }
    } catch (javax.net.ssl.SSLException closed) {
      // The TLS peer went away without close_notify: what arrived is the answer.
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * The far end of blind tunnels. The first byte picks the behaviour: {@code d} sends twelve dots
   * 250 ms apart and closes, {@code u} reads twelve bytes and answers how many it got, {@code s}
   * never sends anything.
   */
  static final class TunnelPeer implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    TunnelPeer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      threads.execute(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          threads.execute(() -> serve(socket));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int mode = in.read();
        if (mode == 'd') {
          for (int i = 0; i < 12; i++) {
            Thread.sleep(250);
            out.write('.');
            out.flush();
          }
        } else if (mode == 'u') {
          int received = 0;
          while (received < 12 && in.read() >= 0) {
            received++;
          }
          out.write(("received " + received).getBytes(StandardCharsets.US_ASCII));
        } else {
          in.read(); // until the tunnel closes
        }
      } catch (IOException | InterruptedException e) {
        // the test moved on
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      threads.shutdownNow();
    }
  }
}
