package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.config.PostgresListener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/** One bound PostgreSQL listener. */
final class PostgresServer implements AutoCloseable {

  private final PostgresListener listener;
  private final Channel channel;

  private PostgresServer(PostgresListener listener, Channel channel) {
    this.listener = listener;
    this.channel = channel;
  }

  /** Binds and starts accepting; blocks until bound (never call it on an event loop). */
  static PostgresServer bind(
      PostgresListener listener,
      EventLoopGroup boss,
      EventLoopGroup workers,
      PostgresServices services)
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
                        .addLast("startup", new StartupDecoder(listener, services))
                        .addLast(SessionHandler.NAME, new SessionHandler(listener, services));
                  }
                });
    Channel bound =
        bootstrap.bind(listener.listen().host(), listener.listen().port()).sync().channel();
    return new PostgresServer(listener, bound);
  }

  PostgresListener listener() {
    return listener;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Stops accepting; sessions already relayed run on until either side closes. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
