package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.policy.RouteLimiter;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * The step before forwarding: a request on a route with rules or limits goes on only if {@link
 * RequestCheck} admits it; otherwise the agent gets the refusal and nothing goes upstream. It also
 * ends each admitted request's hold on its route's concurrency when the response has been written
 * (or the connection closed), and keeps a refusal behind responses still owed to a pipelining
 * client, so answers stay in request order.
 */
final class RequestPolicyStep extends ChannelDuplexHandler {

  private final ProxyServices services;
  private final Function<HttpRequest, Route> routes;
  // One entry per request passed on whose response has not ended, oldest first.
  private final ArrayDeque<RouteLimiter> held = new ArrayDeque<>();
  private boolean interim;
  private boolean refusing;
  private Runnable queuedRefusal;

  /**
   * @param routes the route a request falls under, or null for none
   */
  RequestPolicyStep(ProxyServices services, Function<HttpRequest, Route> routes) {
    this.services = services;
    this.routes = routes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refusing) {
      // The rest of a refused request, or anything after it: the connection is closing.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request && !request.decoderResult().isFailure()) {
      Route route = routes.apply(request);
      if (route != null && route.policy() != RoutePolicy.OPEN) {
        long startNanos = System.nanoTime();
        RequestCheck check = new RequestCheck(services, route);
        ProxyRejection rejection = check.admit(request);
        if (rejection != null) {
          refuse(ctx, request, route, rejection, startNanos);
          return;
        }
        held.add(check.limiter());
      } else {
        held.add(RouteLimiter.UNLIMITED);
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean ended = false;
    if (msg instanceof HttpResponse response) {
      interim =
          response.status().codeClass() == HttpStatusClass.INFORMATIONAL
              && response.status().code() != 101;
    }
    if (msg instanceof LastHttpContent) {
      ended = !interim;
      interim = false;
    }
    ctx.write(msg, promise);
    if (ended) {
      RouteLimiter limiter = held.poll();
      if (limiter != null) {
        limiter.release();
      }
      if (held.isEmpty() && queuedRefusal != null) {
        Runnable refusal = queuedRefusal;
        queuedRefusal = null;
        refusal.run();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    RouteLimiter limiter;
    while ((limiter = held.poll()) != null) {
      limiter.release();
    }
    queuedRefusal = null;
    ctx.fireChannelInactive();
  }

  private void refuse(
      ChannelHandlerContext ctx,
      HttpRequest request,
      Route route,
      ProxyRejection rejection,
      long startNanos) {
    refusing = true;
    if (!(request instanceof LastHttpContent)) {
      // Its body is not wanted; stop reading instead of draining it.
      ctx.channel().config().setAutoRead(false);
    }
    String host = route.match().host();
    Runnable send = () -> Rejections.send(ctx, services, host, request, rejection, startNanos);
    // Method and target stay readable for the audit line; only a body buffer is freed.
    ReferenceCountUtil.release(request);
    if (held.isEmpty()) {
      send.run();
    } else {
      queuedRefusal = send;
    }
  }
}
