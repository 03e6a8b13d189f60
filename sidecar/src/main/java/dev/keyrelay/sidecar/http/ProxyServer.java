package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.ProxySettings;
import dev.keyrelay.sidecar.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.net.InetSocketAddress;

/** The agent-facing forward proxy listener. */
public final class ProxyServer implements AutoCloseable {

  private final Channel channel;
  private final ConnectionLimit limit;

  private ProxyServer(Channel channel, ConnectionLimit limit) {
    this.channel = channel;
    this.limit = limit;
  }

  /**
   * Binds and starts accepting; blocks until bound (called once at start, not on an event loop).
   */
  public static ProxyServer bind(
      ProxySettings settings, EventLoopGroup boss, EventLoopGroup workers, ProxyServices services)
      throws Transport.ListenException {
    ConnectionLimit limit = new ConnectionLimit(settings.maxConnections(), services.metrics());
    ClientErrors errors = new ClientErrors(services.metrics());
    Channel bound =
        services
            .transport()
            .bind(
                settings.listen(),
                boss,
                workers,
                pipeline -> {
                  if (limit.admit(pipeline.channel())) {
                    agentPipeline(pipeline, settings, services, errors);
                  } else {
                    pipeline
                        .addLast("http", new HttpResponseEncoder())
                        .addLast("refuse", new ConnectionRefusal(limit.max()));
                  }
                });
    return new ProxyServer(bound, limit);
  }

  /**
   * Every later step replaces its predecessor or adds itself right after it, so the idle timeout
   * stays first (it sees the wire) and the error handler last (it sees what no step handled).
   */
  private static void agentPipeline(
      ChannelPipeline pipeline,
      ProxySettings settings,
      ProxyServices services,
      ClientErrors errors) {
    pipeline
        .addLast("idle", new ClientIdleTimeout(settings.clientIdleTimeout(), services.metrics()))
        .addLast("http", ProxyCodecs.serverCodec())
        .addLast("headers", HeaderCountLimit.INSTANCE)
        .addLast("head-timeout", new HeadTimeout(settings.headerTimeout(), services.metrics()))
        .addLast("auth", new ProxyAuthentication(services))
        .addLast("errors", errors);
  }

  /** Shared with the transparent listeners: the limit protects the sidecar, whatever the door. */
  ConnectionLimit limit() {
    return limit;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
