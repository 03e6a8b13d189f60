package dev.keyrelay.operator.webhook;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server the API server calls: {@code POST /mutate-pods} with an AdmissionReview. The TLS
 * context is looked up per connection, so a rotated certificate is served without a restart.
 */
public final class WebhookServer implements AutoCloseable {

  public static final String PATH = "/mutate-pods";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
  // The API server sends at most a few MiB per object; anything bigger is not a pod.
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final int READ_TIMEOUT_SECONDS = 30;
  // The API server gives up on a webhook call after at most 30 s, so no admission outlives this.
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_POLL = Duration.ofMillis(50);

  private final EventLoopGroup group;
  private final EventExecutorGroup work;
  private final Channel channel;
  private final AdmissionHttpHandler http;
  private final ChannelGroup connections;

  private WebhookServer(
      EventLoopGroup group,
      EventExecutorGroup work,
      Channel channel,
      AdmissionHttpHandler http,
      ChannelGroup connections) {
    this.group = group;
    this.work = work;
    this.channel = channel;
    this.http = http;
    this.connections = connections;
  }

  /** Binds {@code port} on all addresses (0 picks a free port). */
  public static WebhookServer start(
      int port, Supplier<SslContext> tls, AdmissionReviewHandler handler)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    // Admission may wait briefly on a SubjectAccessReview: keep that off the I/O threads.
    EventExecutorGroup work = new DefaultEventExecutorGroup(4);
    AdmissionHttpHandler http = new AdmissionHttpHandler(handler);
    // closed before the executors stop, so no connection event lands on a terminated executor
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(tls.get().newHandler(ch.alloc()))
                        .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(work, http);
                  }
                });
    try {
      Channel channel = bootstrap.bind(port).sync().channel();
      LOG.info("Webhook listening on {}", channel.localAddress());
      return new WebhookServer(group, work, channel, http, connections);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully();
      work.shutdownGracefully();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Stops accepting connections, lets the admissions in flight (on connections already open, too)
   * be answered for up to {@link #DRAIN_TIMEOUT}, then closes every connection.
   */
  @Override
  public void close() {
    http.drain();
    channel.close().syncUninterruptibly();
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (http.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(DRAIN_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (http.inFlight() > 0) {
      LOG.warn("Closing the webhook with {} admissions still in flight", http.inFlight());
    }
    connections.close().syncUninterruptibly();
    // nothing is left to run: no quiet period
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    work.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
