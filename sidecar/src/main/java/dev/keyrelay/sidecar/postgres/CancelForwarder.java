package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.config.PostgresListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/** Sends a client's CancelRequest to the upstream server that issued its key, then hangs up. */
final class CancelForwarder {

  private CancelForwarder() {}

  static void forward(
      Channel client,
      PostgresListener listener,
      PostgresServices services,
      StartupPacket.Cancel cancel) {
    InetSocketAddress upstream =
        services.cancels().upstreamOf(listener.name(), cancel.processId(), cancel.secretKey());
    // Like the server, never tell the client whether the key matched.
    client.close();
    if (upstream == null) {
      services.metrics().cancel(listener.name(), "unknown_key");
      return;
    }
    services.metrics().cancel(listener.name(), "forwarded");
    new Bootstrap()
        .group(client.eventLoop())
        .channel(services.transport().socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) services.connectTimeout().toMillis())
        .handler(new ChannelInboundHandlerAdapter())
        .connect(upstream)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    connected
                        .channel()
                        .writeAndFlush(
                            PgWire.cancelRequest(
                                connected.channel().alloc(),
                                cancel.processId(),
                                cancel.secretKey()))
                        .addListener(ChannelFutureListener.CLOSE);
                  }
                });
  }
}
