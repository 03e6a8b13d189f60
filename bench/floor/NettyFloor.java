import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.File;
import java.net.InetSocketAddress;

/**
 * The platform floor of bench/run.sh, not part of keyrelay: the least a Netty program on the
 * sidecar's libraries and JVM flags does to serve the benchmark's HTTPS leg the way the sidecar
 * does. It answers CONNECT, terminates the client's TLS (BoringSSL) with a fixed certificate,
 * decodes HTTP/1.1, adds one header and relays each request over one kept-alive TLS connection per
 * client to the upstream, on the client's event loop, and relays the response back. No routes,
 * secrets, policy, audit, metrics, limits or error handling: whatever the sidecar spends above
 * this is keyrelay's; whatever this spends above nginx is the JVM's and Netty's.
 *
 * <p>Usage: java [-Dfloor.exitWhenReady=true] -cp keyrelay-sidecar.jar:DIR NettyFloor PORT
 * UPSTREAM_PORT CA_PEM CERT_PEM KEY_PEM HEADER VALUE
 */
public final class NettyFloor {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    SslContext upstreamTls =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .trustManager(new File(args[2]))
            .build();
    SslContext agentTls =
        SslContextBuilder.forServer(new File(args[3]), new File(args[4]))
            .sslProvider(SslProvider.OPENSSL)
            .build();
    Upstream upstream =
        new Upstream(upstreamTls, new InetSocketAddress("127.0.0.1", upstreamPort), args[5], args[6]);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    new ServerBootstrap()
        .group(group)
        .channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new Connect(agentTls, upstream));
              }
            })
        .bind("127.0.0.1", port)
        .sync();
    // Set when training a class-data archive: bound and ready is the whole start-up.
    if (Boolean.getBoolean("floor.exitWhenReady")) {
      System.exit(0);
    }
  }

  record Upstream(SslContext tls, InetSocketAddress address, String header, String value) {}

  /** Confirms the CONNECT, then terminates TLS and serves the requests inside. */
  static final class Connect extends SimpleChannelInboundHandler<HttpObject> {
    private final SslContext agentTls;
    private final Upstream upstream;

    Connect(SslContext agentTls, Upstream upstream) {
      this.agentTls = agentTls;
      this.upstream = upstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof LastHttpContent)) {
        return;
      }
      ctx.writeAndFlush(
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection established")))
          .addListener(
              written -> {
                ctx.pipeline().remove(HttpServerCodec.class);
                ctx.pipeline()
                    .addFirst(agentTls.newHandler(ctx.alloc()))
                    .addLast(new HttpServerCodec(), new Relay(upstream))
                    .remove(this);
              });
    }
  }

  /** Relays each request to the upstream with the header added, and its response back. */
  static final class Relay extends SimpleChannelInboundHandler<HttpObject> {
    private final Upstream upstream;
    private ChannelFuture connected;

    Relay(Upstream upstream) {
      super(false);
      this.upstream = upstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest request) {
        request.headers().set(upstream.header(), upstream.value());
      }
      if (connected == null) {
        connected = connect(ctx.channel());
      }
      if (connected.isDone()) {
        forward(msg);
      } else {
        // Until it is registered, the connection has no handlers to encode the request.
        connected.addListener(done -> forward(msg));
      }
    }

    private void forward(HttpObject msg) {
      if (msg instanceof LastHttpContent) {
        connected.channel().writeAndFlush(msg);
      } else {
        connected.channel().write(msg);
      }
    }

    private ChannelFuture connect(Channel client) {
      return new Bootstrap()
          .group(client.eventLoop())
          .channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  ch.pipeline()
                      .addLast(
                          upstream.tls().newHandler(ch.alloc(), "localhost", 443),
                          new HttpClientCodec(),
                          new Back(client));
                }
              })
          .connect(upstream.address());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (connected != null) {
        connected.channel().close();
      }
    }
  }

  /** Writes the upstream's response to the client, flushing at its end. */
  static final class Back extends SimpleChannelInboundHandler<HttpObject> {
    private final Channel client;

    Back(Channel client) {
      super(false);
      this.client = client;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!client.isActive()) {
        ReferenceCountUtil.release(msg);
      } else if (msg instanceof LastHttpContent) {
        client.writeAndFlush(msg);
      } else {
        client.write(msg);
      }
    }
  }
}
