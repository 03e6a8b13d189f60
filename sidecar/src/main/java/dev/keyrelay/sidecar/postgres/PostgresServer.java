package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.transport.Transport;
import io.netty.channel.Channel;
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
      throws Transport.ListenException {
    Channel bound =
        services
            .transport()
            .bind(
                listener.listen(),
                boss,
                workers,
                pipeline ->
                    pipeline
                        .addLast("startup", new StartupDecoder(listener, services))
                        .addLast(SessionHandler.NAME, new SessionHandler(listener, services)));
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
