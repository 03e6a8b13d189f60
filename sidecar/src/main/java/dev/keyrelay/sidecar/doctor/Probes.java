package dev.keyrelay.sidecar.doctor;

import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.tls.TrustUnavailableException;
import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import dev.keyrelay.sidecar.transport.RootCause;
import dev.keyrelay.sidecar.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The network and file probes of {@link Doctor}; each blocks its caller, never an event loop. */
final class Probes implements AutoCloseable {

  /** What one probe found. */
  record Outcome(boolean ok, String detail) {}

  private final Transport transport = Transport.best();
  private final EventLoopGroup group = transport.newGroup(1);
  private final UpstreamTlsContexts tls = new UpstreamTlsContexts();
  private final Duration connectTimeout;

  Probes(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** Resolves {@code host}, connects and completes a TLS handshake that verifies its name. */
  Outcome https(String host, int port, Path caFile) {
    SslContext context;
    try {
      context = tls.forCaFile(caFile);
    } catch (TrustUnavailableException e) {
      return new Outcome(false, e.getMessage());
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return new Outcome(false, "cannot resolve " + host);
    }
    try {
      Channel channel =
          bootstrap()
              .handler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(UpstreamTlsContexts.newHandler(context, ch.alloc(), host, port))
                          .addLast(QuietFailure.INSTANCE);
                    }
                  })
              .connect(new InetSocketAddress(address, port))
              .syncUninterruptibly()
              .channel();
      try {
        var handshake = channel.pipeline().get(SslHandler.class).handshakeFuture();
        if (!handshake.awaitUninterruptibly(20, TimeUnit.SECONDS) || !handshake.isSuccess()) {
          return new Outcome(
              false,
              "TLS handshake with "
                  + address.getHostAddress()
                  + " failed: "
                  + (handshake.cause() == null
                      ? "timed out"
                      : RootCause.message(handshake.cause())));
        }
        return new Outcome(true, "resolved to " + address.getHostAddress() + ", TLS handshake ok");
      } finally {
        channel.close();
      }
    } catch (RuntimeException e) {
      return new Outcome(
          false, "cannot connect to " + address.getHostAddress() + ": " + RootCause.message(e));
    }
  }

  /**
   * The handshake future reports a failed handshake; without this the same exception would also
   * reach the pipeline's tail and print a WARN after the doctor's verdict.
   */
  @ChannelHandler.Sharable
  private static final class QuietFailure extends ChannelInboundHandlerAdapter {
    static final QuietFailure INSTANCE = new QuietFailure();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Resolves {@code host} and opens a TCP connection. */
  Outcome tcp(String host, int port) {
    try {
      InetAddress address = InetAddress.getByName(host);
      bootstrap()
          .handler(
              new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {}
              })
          .connect(new InetSocketAddress(address, port))
          .syncUninterruptibly()
          .channel()
          .close();
      return new Outcome(true, "resolved to " + address.getHostAddress() + ", TCP connect ok");
    } catch (UnknownHostException e) {
      return new Outcome(false, "cannot resolve " + host);
    } catch (RuntimeException e) {
      return new Outcome(false, "cannot connect: " + RootCause.message(e));
    }
  }

  /** Whether a file can be created (and removed) in {@code dir}, creating the directory first. */
  static Outcome writable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".doctor", ".tmp");
      Files.delete(probe);
      return new Outcome(true, "writable");
    } catch (IOException e) {
      return new Outcome(false, "not writable: " + e);
    }
  }

  /** Whether the address can be bound now, that is, nothing else listens there. */
  static Outcome bindable(HostPort listen) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(listen.host(), listen.port()));
      return new Outcome(true, "free");
    } catch (IOException e) {
      return new Outcome(false, "cannot bind: " + e.getMessage());
    }
  }

  private Bootstrap bootstrap() {
    return new Bootstrap()
        .group(group)
        .channel(transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
