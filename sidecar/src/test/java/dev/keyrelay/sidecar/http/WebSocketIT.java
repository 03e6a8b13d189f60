package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.testing.SidecarProcess;
import dev.keyrelay.sidecar.testing.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket (wss) through the packaged sidecar, as the OpenAI Realtime API is used: the JDK's
 * WebSocket client sends a placeholder in the handshake, the upstream's handshake carries the real
 * token, and frames flow both ways over the relayed connection.
 */
class WebSocketIT {

  private static final String TOKEN = "ws-real-token-7c1d";

  @TempDir static Path dir;
  private static EventLoopGroup group;
  private static Channel server;
  private static final CompletableFuture<HttpHeaders> handshake = new CompletableFuture<>();
  private static SidecarProcess sidecar;

  /** Answers every request with 101, whether or not it asked to switch protocols. */
  private static ServerSocket rogue;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("websocket upstream CA");
    JdkSslContext tls =
        new JdkSslContext(TestPki.serverContext(pki.serverCertificate()), false, ClientAuth.NONE);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(tls.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(new WebSocketServerProtocolHandler("/realtime"))
                        .addLast(new EchoAndRecord());
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();

    rogue = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread rogueAcceptor = new Thread(WebSocketIT::switchProtocolsUnasked, "rogue-upstream");
    rogueAcceptor.setDaemon(true);
    rogueAcceptor.start();

    pki.writeCaPem(dir.resolve("upstream-ca.pem"));
    int proxyPort = SidecarProcess.freePort();
    int adminPort = SidecarProcess.freePort();
    Path config =
        Files.writeString(
            dir.resolve("keyrelay.yaml"),
            """
            proxy: { listen: "127.0.0.1:%d" }
            admin: { listen: "127.0.0.1:%d" }
            ca: { dir: ca }
            routes:
              - name: realtime
                match: { host: localhost, port: %d }
                upstream: { caFile: upstream-ca.pem }
                auth: { type: header, headerName: Authorization, scheme: Bearer }
                secret: { env: WS_TOKEN }
              - name: rogue
                match: { host: localhost, port: %d }
                auth: { type: header, headerName: Authorization, scheme: Bearer }
                secret: { env: WS_TOKEN }
                allowInsecureHttp: true
            """
                .formatted(proxyPort, adminPort, port, rogue.getLocalPort()));
    sidecar = SidecarProcess.start(config, proxyPort, adminPort, Map.of("WS_TOKEN", TOKEN));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (sidecar != null) {
        assertThat(sidecar.closeAndCollectOutput()).doesNotContain(TOKEN);
      }
    } finally {
      if (server != null) {
        server.close().sync();
      }
      if (rogue != null) {
        rogue.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void theHandshakeCarriesTheRealTokenAndFramesFlowBothWaysScrubbed() throws Exception {
    X509Certificate ca =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca/ca.crt"))));
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecar.proxyPort())))
            .sslContext(TestPki.trusting(ca))
            .build();
    CompletableFuture<String> reply = new CompletableFuture<>();
    int port = ((InetSocketAddress) server.localAddress()).getPort();

    WebSocket socket =
        client
            .newWebSocketBuilder()
            .header("Authorization", "Bearer placeholder")
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(
                URI.create("wss://localhost:" + port + "/realtime"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    reply.complete(data.toString());
                    return null;
                  }
                })
            .get(20, TimeUnit.SECONDS);
    socket.sendText("hello", true).get(10, TimeUnit.SECONDS);

    assertThat(reply.get(10, TimeUnit.SECONDS))
        .as("the upstream's frame, scrubbed of the credential it echoed")
        .isEqualTo("echo:hello auth=Bearer " + "*".repeat(TOKEN.length()));
    HttpHeaders received = handshake.get(10, TimeUnit.SECONDS);
    assertThat(received.get("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(received.toString()).doesNotContain("placeholder");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    assertThat(sidecar.logsOnceThey(logs -> logs.contains("\"route\":\"realtime\"")))
        .contains("\"decision\":\"injected\"", "\"route\":\"realtime\"", "\"status\":101");
  }

  @Test
  void aSwitchOfProtocolsNobodyAskedForIsRefused() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecar.proxyPort())))
            .build();

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + rogue.getLocalPort() + "/v1/models"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body())
        .contains(
            "\"type\":\"https://keyrelay.dev/problems/upstream-failed\"",
            "switched protocols without being asked");
  }

  private static void switchProtocolsUnasked() {
    while (!rogue.isClosed()) {
      try (Socket socket = rogue.accept()) {
        socket.getInputStream().read(new byte[4096]);
        socket
            .getOutputStream()
            .write(
                ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        socket.getInputStream().read(new byte[4096]);
      } catch (IOException e) {
        // closed at the end of the test, or the sidecar hung up
      }
    }
  }

  /** Records the opening handshake's headers and echoes each text frame with its credential. */
  private static final class EchoAndRecord extends SimpleChannelInboundHandler<TextWebSocketFrame> {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete complete) {
        handshake.complete(complete.requestHeaders());
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      // Like a debug endpoint, it also hands back the credential it was opened with.
      String authorization = handshake.getNow(null).get("authorization");
      ctx.writeAndFlush(new TextWebSocketFrame("echo:" + frame.text() + " auth=" + authorization));
    }
  }
}
