package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Opens a routed CONNECT: gets the host's certificate from the sidecar CA, confirms the tunnel,
 * then terminates the agent's TLS so each request inside can get its credential.
 */
final class TlsInterception {

  private final ProxyServices services;
  private final Route route;
  private final RequestTargets.Authority authority;
  private final HttpRequest connect;

  TlsInterception(
      ProxyServices services, Route route, RequestTargets.Authority authority, HttpRequest connect) {
    this.services = services;
    this.route = route;
    this.authority = authority;
    this.connect = connect;
  }

  void start(ChannelHandlerContext ctx, ChannelHandler entry) {
    long startNanos = System.nanoTime();
    services
        .serverTls()
        .prepare(authority.host())
        .whenCompleteAsync(
            (ready, failure) -> {
              if (!ctx.channel().isActive()) {
                return;
              }
              if (failure != null) {
                ProxyRejection rejection =
                    new ProxyRejection(ProblemType.CERTIFICATE_FAILED, route.name(),
                        "could not mint a certificate for " + authority.host());
                Rejections.send(
                    ctx, services, authority.host(), connect, rejection, startNanos);
                return;
              }
              ctx.writeAndFlush(ProxyCodecs.connectionEstablished())
                  .addListener(
                      written -> {
                        if (written.isSuccess()) {
                          terminateTls(ctx, entry);
                        } else {
                          ctx.close();
                        }
                      });
            },
            ctx.executor());
  }

  private void terminateTls(ChannelHandlerContext ctx, ChannelHandler entry) {
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(HeaderCountLimit.INSTANCE);
    pipeline.replace(
        HttpServerCodec.class,
        "tls",
        services.serverTls().newHandler(ctx.alloc(), authority.host(), authority.port()));
    InterceptedTargets targets =
        new InterceptedTargets(route, authority.host(), authority.port(), services.resolver());
    pipeline.replace(entry, "alpn", new ProtocolSelection(services, targets));
    services.metrics().tunnel("intercepted");
    ctx.channel().config().setAutoRead(true);
  }
}
