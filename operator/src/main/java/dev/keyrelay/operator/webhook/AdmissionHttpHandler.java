package dev.keyrelay.operator.webhook;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps HTTP onto {@link AdmissionReviewHandler}: a malformed body is a 400 with a short reason, an
 * unexpected failure a 500; neither closes the server. It counts the requests in flight, from
 * arrival until their answer is written, so a stopping server can wait for them.
 */
@Sharable
final class AdmissionHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHttpHandler.class);

  private final AdmissionReviewHandler handler;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  AdmissionHttpHandler(AdmissionReviewHandler handler) {
    this.handler = handler;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** From now on every answer closes its connection, so clients reconnect to another replica. */
  void drain() {
    draining = true;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    inFlight.incrementAndGet();
    try {
      answer(ctx, request);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
  }

  private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    if (!path.equals(WebhookServer.PATH)) {
      respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "POST only\n");
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed request\n");
      return;
    }
    try {
      String answer = handler.handle(request.content().toString(StandardCharsets.UTF_8));
      respond(ctx, request, HttpResponseStatus.OK, "application/json", answer);
    } catch (IllegalArgumentException e) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", e.getMessage() + "\n");
    } catch (RuntimeException e) {
      LOG.error("Admission failed", e);
      respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", "error\n");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Webhook connection from {} failed: {}", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  private void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String type,
      String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    boolean keepAlive = HttpUtil.isKeepAlive(request) && status.code() < 500 && !draining;
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture future = ctx.writeAndFlush(response);
    future.addListener(f -> inFlight.decrementAndGet());
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
