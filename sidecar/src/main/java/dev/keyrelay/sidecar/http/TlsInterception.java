package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;

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
      ProxyServices services,
      Route route,
      RequestTargets.Authority authority,
      HttpRequest connect) {
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
                    new ProxyRejection(
                        ProblemType.CERTIFICATE_FAILED,
                        route.name(),
                        "could not mint a certificate for " + authority.host());
                Rejections.send(ctx, services, authority.host(), connect, rejection, startNanos);
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
        HttpServerCodec.class, "tls", agentTls(ctx, services, authority.host(), authority.port()));
    pipeline.replace(entry, "alpn", requests(services, route, authority.host(), authority.port()));
    ctx.channel().config().setAutoRead(true);
  }

  /**
   * The agent-facing TLS for {@code host}: presents the certificate that {@code
   * serverTls().prepare(host)} made ready. Shared with the transparent listener, so a routed host
   * is intercepted the same way however the agent reached the sidecar.
   */
  static SslHandler agentTls(
      ChannelHandlerContext ctx, ProxyServices services, String host, int port) {
    return services.serverTls().newHandler(ctx.alloc(), host, port);
  }

  /** What serves the requests inside the agent's TLS: each goes to {@code host} under route. */
  static ProtocolSelection requests(ProxyServices services, Route route, String host, int port) {
    services.metrics().tunnel("intercepted");
    return new ProtocolSelection(
        services, new InterceptedTargets(route, host, port, services.resolver()));
  }
}
