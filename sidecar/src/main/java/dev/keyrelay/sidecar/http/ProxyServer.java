package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/** The agent-facing forward proxy listener. */
public final class ProxyServer implements AutoCloseable {

  private final Channel channel;

  private ProxyServer(Channel channel) {
    this.channel = channel;
  }

  /** Binds and starts accepting; blocks until bound (called once at start, not on an event loop). */
  public static ProxyServer bind(
      HostPort listen, EventLoopGroup boss, EventLoopGroup workers, ProxyServices services)
      throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(services.transport().serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("http", ProxyCodecs.serverCodec())
                        .addLast("entry", new ProxyEntryHandler(services));
                  }
                });
    Channel bound = bootstrap.bind(listen.host(), listen.port()).sync().channel();
    return new ProxyServer(bound);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
