package dev.keyrelay.sidecar.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of a proxy connection: when {@code proxy.tokens} are configured, the first request
 * must carry one of them in {@code Proxy-Authorization}, or the client gets 407 and the connection
 * closes. A connection that passes belongs to that token: it goes on to {@link ProxyEntryHandler}
 * with an audit log that names the token. The tokens are read off the event loop; what the client
 * sends meanwhile is held and passed on in order.
 */
final class ProxyAuthentication extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ProxyAuthentication.class);

  private final ProxyServices services;
  private List<Object> held;
  // After a refusal the connection is closing; what the client pipelined meanwhile is dropped.
  private boolean refused;

  ProxyAuthentication(ProxyServices services) {
    this.services = services;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (held != null) {
      held.add(msg);
      return;
    }
    ProxyTokens tokens = services.state().tokens();
    if (!tokens.required()) {
      proceed(ctx, services, List.of(msg));
      return;
    }
    if (refused || !(msg instanceof HttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    long start = System.nanoTime();
    Optional<String> presented =
        ProxyTokens.presented(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
    if (presented.isEmpty()) {
      refuse(ctx, request, start, "send a proxy token in Proxy-Authorization (Basic or Bearer)");
      return;
    }
    held = new ArrayList<>();
    held.add(msg);
    ctx.channel().config().setAutoRead(false);
    tokens
        .nameOf(services.secrets(), presented.get())
        .whenComplete(
            (name, failure) ->
                ctx.executor().execute(() -> decide(ctx, request, start, name, failure)));
  }

  private void decide(
      ChannelHandlerContext ctx,
      HttpRequest request,
      long start,
      Optional<String> name,
      Throwable failure) {
    List<Object> messages = held;
    held = null;
    if (!ctx.channel().isActive()) {
      messages.forEach(ReferenceCountUtil::release);
      return;
    }
    if (failure != null) {
      refused = true;
      log.warn("proxy tokens could not be checked {}", kv("reason", RootCause.message(failure)));
      Rejections.send(
          ctx,
          services,
          null,
          request,
          new ProxyRejection(
              ProblemType.SECRET_UNAVAILABLE, null, "the proxy tokens cannot be checked now"),
          start);
      messages.forEach(ReferenceCountUtil::release);
      return;
    }
    if (name.isEmpty()) {
      refuse(ctx, request, start, "the proxy token is not valid");
      messages.forEach(ReferenceCountUtil::release);
      return;
    }
    ctx.channel().config().setAutoRead(true);
    proceed(ctx, services.withAudit(services.audit().by(name.get())), messages);
  }

  private void proceed(ChannelHandlerContext ctx, ProxyServices admitted, List<Object> messages) {
    ctx.pipeline().replace(this, "entry", new ProxyEntryHandler(admitted));
    messages.forEach(ctx::fireChannelRead);
  }

  private void refuse(ChannelHandlerContext ctx, HttpRequest request, long start, String detail) {
    refused = true;
    Rejections.send(
        ctx,
        services,
        null,
        request,
        new ProxyRejection(ProblemType.PROXY_AUTHENTICATION_REQUIRED, null, detail)
            .withHeader(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"keyrelay\"")
            .withHeader(HttpHeaderNames.PROXY_AUTHENTICATE, "Bearer realm=\"keyrelay\""),
        start);
  }
}
