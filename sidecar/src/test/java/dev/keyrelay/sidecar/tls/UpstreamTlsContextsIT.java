package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forwarding clients verify upstreams against system roots plus a route's CA file, by name. */
class UpstreamTlsContextsIT {

  private static final EventLoopGroup CLIENT_GROUP =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private static final UpstreamTlsContexts UPSTREAMS = new UpstreamTlsContexts();

  @TempDir static Path privateCaDir;
  private static TlsTestServer localhostServer;
  private static TlsTestServer ipServer;

  @BeforeAll
  static void start() throws Exception {
    // Stands in for an internal service whose certificate comes from a private CA.
    CertificateAuthority privateCa = CertificateAuthority.generate();
    CaFiles.write(privateCa, privateCaDir);
    LeafCertificateMinter minter = new LeafCertificateMinter(privateCa);
    localhostServer = new TlsTestServer(TlsTestServer.mintedContext(minter, "localhost"));
    ipServer = new TlsTestServer(TlsTestServer.mintedContext(minter, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    localhostServer.close();
    ipServer.close();
    CLIENT_GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void systemTrustAloneRefusesAPrivateCa() throws Exception {
    Future<Channel> handshake = handshake(UPSTREAMS.forCaFile(null), "localhost", localhostServer);

    assertThat(handshake.isSuccess()).isFalse();
    assertThat(handshake.cause()).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void theRoutesCaFileMakesThePrivateCaTrusted() throws Exception {
    Future<Channel> handshake = handshake(withCaFile(), "localhost", localhostServer);

    assertThat(handshake.isSuccess()).as(String.valueOf(handshake.cause())).isTrue();
    assertThat(localhostServer.sniNames()).contains(Optional.of("localhost"));
  }

  @Test
  void theRightCaButTheWrongHostNameIsRefused() throws Exception {
    Future<Channel> handshake = handshake(withCaFile(), "wrong.test", localhostServer);

    assertThat(handshake.isSuccess()).isFalse();
    assertThat(handshake.cause()).isInstanceOf(SSLHandshakeException.class);
    assertThat(rootCause(handshake.cause())).isInstanceOf(CertificateException.class);
    assertThat(localhostServer.sniNames()).contains(Optional.of("wrong.test"));
  }

  @Test
  void ipLiteralsAreVerifiedAgainstIpSansAndSendNoSni() throws Exception {
    int before = ipServer.sniNames().size();

    Future<Channel> good = handshake(withCaFile(), "127.0.0.1", ipServer);
    Future<Channel> wrongName = handshake(withCaFile(), "localhost", ipServer);

    assertThat(good.isSuccess()).as(String.valueOf(good.cause())).isTrue();
    assertThat(ipServer.sniNames().get(before)).isEmpty();
    assertThat(wrongName.isSuccess()).isFalse();
  }

  private static SslContext withCaFile() {
    return UPSTREAMS.forCaFile(CaFiles.caCert(privateCaDir));
  }

  /**
   * Connects to the server's loopback port while naming {@code host}, and waits for the handshake.
   */
  private static Future<Channel> handshake(SslContext context, String host, TlsTestServer server)
      throws InterruptedException {
    // Kept here: a refused handshake may close the channel, emptying its pipeline, before connect
    // returns.
    AtomicReference<SslHandler> tls = new AtomicReference<>();
    Channel channel =
        new Bootstrap()
            .group(CLIENT_GROUP)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    tls.set(
                        UpstreamTlsContexts.newHandler(context, ch.alloc(), host, server.port()));
                    ch.pipeline().addLast(tls.get());
                  }
                })
            .connect("127.0.0.1", server.port())
            .sync()
            .channel();
    try {
      Future<Channel> handshake = tls.get().handshakeFuture();
      assertThat(handshake.await(10, TimeUnit.SECONDS)).as("handshake finished").isTrue();
      return handshake;
    } finally {
      channel.close().sync();
    }
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
