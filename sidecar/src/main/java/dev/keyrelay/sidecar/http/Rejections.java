package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.audit.AuditEvent;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/** Answers a request the proxy will not forward: JSON error, metric, audit line, close. */
final class Rejections {

  private Rejections() {}

  static void send(
      ChannelHandlerContext ctx,
      ProxyServices services,
      String host,
      HttpRequest request,
      ProxyRejection rejection,
      long startNanos) {
    String method = request.method().name();
    services.metrics().request(rejection.route(), method, rejection.status().code());
    services
        .audit()
        .record(
            new AuditEvent(
                rejection.decision(),
                rejection.route(),
                host,
                method,
                AuditEvent.pathOf(request.uri()),
                rejection.status().code(),
                System.nanoTime() - startNanos,
                -1,
                -1,
                false));
    ctx.writeAndFlush(ProblemResponses.of(rejection)).addListener(ChannelFutureListener.CLOSE);
  }
}
