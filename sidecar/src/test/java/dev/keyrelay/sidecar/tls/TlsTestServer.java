package dev.keyrelay.sidecar.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AsyncMapping;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/** A loopback HTTPS server answering 200 "ok", recording the SNI name each client sent. */
final class TlsTestServer implements AutoCloseable {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Optional<String>> sniNames = new CopyOnWriteArrayList<>();
  private final Channel channel;

  /** Serves {@code context}, recording the SNI name of each handshake. */
  TlsTestServer(SslContext context) throws InterruptedException {
    this(null, context);
  }

  /** Serves TLS through handlers made per connection, such as the sidecar's minted ones. */
  TlsTestServer(Function<SocketChannel, ChannelHandler> tls) throws InterruptedException {
    this(tls, null);
  }

  private TlsTestServer(Function<SocketChannel, ChannelHandler> tls, SslContext context)
      throws InterruptedException {
    AsyncMapping<String, SslContext> recordingSni =
        (host, promise) -> {
          sniNames.add(Optional.ofNullable(host));
          return promise.setSuccess(context);
        };
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(tls != null ? tls.apply(ch) : new SniHandler(recordingSni))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new OkHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  /** A standalone server context presenting a certificate minted for {@code host}. */
  static SslContext mintedContext(LeafCertificateMinter minter, String host) throws SSLException {
    return SslContextBuilder.forServer(
            minter.leafKey(), minter.mint(host), minter.authority().certificate())
        .build();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The SNI host name of each handshake so far; empty when the client sent none. */
  List<Optional<String>> sniNames() {
    return sniNames;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class OkHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      var response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_LENGTH, 2)
          .set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
