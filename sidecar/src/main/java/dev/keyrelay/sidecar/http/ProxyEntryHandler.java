package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * The step of every proxy connection after {@link ProxyAuthentication}: looks at the first request
 * and installs what serves the rest of the connection (TLS interception, a blind tunnel, or
 * plain-HTTP forwarding), then removes itself.
 */
final class ProxyEntryHandler extends ChannelInboundHandlerAdapter {

  private final ProxyServices services;
  private boolean connecting;

  ProxyEntryHandler(ProxyServices services) {
    this.services = services;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (connecting || !(msg instanceof HttpRequest request)) {
      // The empty body that follows a CONNECT head, or anything after it.
      ReferenceCountUtil.release(msg);
      return;
    }
    ProxyRejection malformed = MalformedRequests.refusal(request);
    if (malformed != null) {
      reject(ctx, request, malformed);
      return;
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      connecting = true;
      ctx.channel().config().setAutoRead(false);
      connect(ctx, request);
      return;
    }
    if (request.uri().startsWith("/")) {
      reject(
          ctx,
          request,
          new ProxyRejection(
              ProblemType.BAD_REQUEST,
              null,
              "this is a forward proxy: send CONNECT host:port or an absolute-form request"));
      return;
    }
    // The step that replaces this handler is the one the first request is passed to.
    ctx.pipeline()
        .replace(
            this,
            "policy",
            new RequestPolicyStep(services, r -> AbsoluteFormTargets.routeOf(services, r)))
        .addAfter(
            "policy",
            "forward",
            new ForwardingHandler(services, new AbsoluteFormTargets(services)));
    ctx.fireChannelRead(msg);
  }

  private void connect(ChannelHandlerContext ctx, HttpRequest request) {
    RequestTargets.Authority authority;
    try {
      authority = RequestTargets.parseAuthority(request.uri(), 443);
    } catch (IllegalArgumentException e) {
      reject(
          ctx,
          request,
          new ProxyRejection(
              ProblemType.BAD_REQUEST, null, "bad CONNECT target: " + e.getMessage()));
      return;
    }
    ProxyState state = services.state();
    Optional<Route> route = state.routes().match(authority.host(), authority.port());
    if (route.isPresent()) {
      new TlsInterception(services, route.get(), authority, request).start(ctx, this);
    } else {
      new BlindTunnel(services, state.egress(), authority, request).start(ctx, this);
    }
  }

  private void reject(ChannelHandlerContext ctx, HttpRequest request, ProxyRejection rejection) {
    Rejections.send(ctx, services, null, request, rejection, System.nanoTime());
  }
}
