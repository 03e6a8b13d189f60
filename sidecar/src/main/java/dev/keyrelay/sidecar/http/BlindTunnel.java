package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.egress.EgressDecision;
import dev.keyrelay.sidecar.egress.EgressGuard;
import dev.keyrelay.sidecar.relay.ByteRelay;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Opens an unrouted CONNECT: checks the egress policy, connects to the checked address and relays
 * bytes untouched, so the agent sees the real server's certificate.
 */
final class BlindTunnel {

  private final ProxyServices services;
  private final EgressGuard egress;
  private final RequestTargets.Authority authority;
  private final HttpRequest connect;
  private final long startNanos = System.nanoTime();

  BlindTunnel(
      ProxyServices services,
      EgressGuard egress,
      RequestTargets.Authority authority,
      HttpRequest connect) {
    this.services = services;
    this.egress = egress;
    this.authority = authority;
    this.connect = connect;
  }

  void start(ChannelHandlerContext ctx, ChannelHandler entry) {
    egress
        .check(authority.host(), authority.port())
        .whenCompleteAsync(
            (decision, failure) -> {
              if (!ctx.channel().isActive()) {
                return;
              }
              if (failure != null) {
                reject(ctx, UpstreamFailures.toRejection(failure, null));
              } else if (!decision.allowed()) {
                services.metrics().tunnel("denied");
                reject(ctx, new ProxyRejection(ProblemType.POLICY_DENIED, null, decision.reason()));
              } else {
                open(ctx, entry, decision);
              }
            },
            ctx.executor());
  }

  private void open(ChannelHandlerContext ctx, ChannelHandler entry, EgressDecision decision) {
    Channel client = ctx.channel();
    TunnelStats stats = new TunnelStats(services, authority.host(), startNanos);
    ChannelFuture connected = connect(services, client, decision, stats);
    connected.addListener(
        done -> {
          if (!done.isSuccess()) {
            services.metrics().tunnel("failed");
            reject(ctx, UpstreamFailures.toRejection(done.cause(), null));
            return;
          }
          Channel upstream = connected.channel();
          ctx.writeAndFlush(ProxyCodecs.connectionEstablished())
              .addListener(
                  written -> {
                    if (!written.isSuccess()) {
                      upstream.close();
                      return;
                    }
                    ctx.pipeline().remove(HttpServerCodec.class);
                    ctx.pipeline().remove(HeaderCountLimit.INSTANCE);
                    relay(ctx, entry, upstream, stats);
                  });
        });
  }

  /**
   * Connects to the address the egress guard checked (never re-resolved); the upstream channel
   * relays to {@code client} once it reads. Shared with the transparent listener.
   */
  static ChannelFuture connect(
      ProxyServices services, Channel client, EgressDecision decision, TunnelStats stats) {
    return new Bootstrap()
        .group(client.eventLoop())
        .channel(services.transport().socketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) services.connectTimeout().toMillis())
        .handler(new ByteRelay(client, bytes -> stats.transferred(false, bytes)))
        .connect(decision.address());
  }

  /**
   * Relays the client's bytes to {@code upstream} in place of {@code step}; whatever {@code step}
   * still held (a ClientHello read by the transparent listener) goes first.
   */
  static void relay(
      ChannelHandlerContext ctx, ChannelHandler step, Channel upstream, TunnelStats stats) {
    Channel client = ctx.channel();
    ProxyServices services = stats.services();
    ctx.pipeline()
        .replace(step, "relay", new ByteRelay(upstream, bytes -> stats.transferred(true, bytes)));
    client.closeFuture().addListener(closed -> stats.closed());
    services.metrics().tunnel("blind");
    client.config().setAutoRead(true);
    upstream.config().setAutoRead(true);
  }

  private void reject(ChannelHandlerContext ctx, ProxyRejection rejection) {
    Rejections.send(ctx, services, authority.host(), connect, rejection, startNanos);
  }
}
