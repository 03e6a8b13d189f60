package dev.keyrelay.sidecar.admin;

import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.transport.Transport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * The admin listener: health, readiness, Prometheus metrics and the shutdown endpoint, apart from
 * the proxy port.
 */
public final class AdminServer implements AutoCloseable {

  private final Channel channel;

  private AdminServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * @param quit called, on an event loop, after {@code POST /quitquitquit} from loopback is
   *     answered
   */
  public static AdminServer bind(
      HostPort listen,
      Transport transport,
      EventLoopGroup group,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      ReadinessReport report,
      Runnable quit)
      throws Transport.ListenException {
    AdminHandler handler = new AdminHandler(registry, ready, report, quit);
    Channel bound =
        transport.bind(
            listen,
            group,
            group,
            pipeline ->
                pipeline
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(8 * 1024))
                    .addLast(handler));
    return new AdminServer(bound);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
