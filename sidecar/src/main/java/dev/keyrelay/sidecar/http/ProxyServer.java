package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.Transport;
import dev.keyrelay.sidecar.config.HostPort;
import io.netty.channel.Channel;
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
      throws Transport.ListenException {
    Channel bound =
        services
            .transport()
            .bind(
                listen,
                boss,
                workers,
                pipeline ->
                    pipeline
                        .addLast("http", ProxyCodecs.serverCodec())
                        .addLast("entry", new ProxyEntryHandler(services)));
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
