package dev.keyrelay.sidecar.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
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
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves GET /healthz, /readyz (with {@code ?verbose} a JSON report) and /metrics, and POST
 * /quitquitquit (from loopback only) on the admin port.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  static final String QUIT_PATH = "/quitquitquit";

  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;
  private final ReadinessReport report;
  private final Runnable quit;

  /**
   * @param quit asked to stop the sidecar once the answer to /quitquitquit is written; runs on an
   *     event loop, so it must not block
   */
  AdminHandler(
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      ReadinessReport report,
      Runnable quit) {
    this.registry = registry;
    this.ready = ready;
    this.report = report;
    this.quit = quit;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    if (path.equals(QUIT_PATH)) {
      quit(ctx, request);
      return;
    }
    if (path.equals("/readyz")
        && uri.parameters().containsKey("verbose")
        && request.method().equals(HttpMethod.GET)) {
      verbose(ctx, request);
      return;
    }
    FullHttpResponse response;
    if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
      response = methodNotAllowed("GET, HEAD");
    } else if (path.equals("/healthz")) {
      response = text(HttpResponseStatus.OK, "text/plain", "ok\n");
    } else if (path.equals("/readyz")) {
      boolean isReady = ready.getAsBoolean();
      response =
          text(
              isReady ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              "text/plain",
              isReady ? "ready\n" : "not ready\n");
    } else if (path.equals("/metrics")) {
      response = text(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape());
    } else {
      response = text(HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
    }
    write(ctx, request, response);
  }

  /** The verbose report, put together off the event loop; the status is the plain probe's. */
  private void verbose(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    report
        .render()
        .whenComplete(
            (json, failure) ->
                ctx.executor()
                    .execute(
                        () -> {
                          FullHttpResponse response =
                              failure == null
                                  ? bytes(readyStatus(), "application/json", json)
                                  : text(
                                      HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                      "text/plain",
                                      "report failed: " + failure + "\n");
                          HttpUtil.setKeepAlive(response, keepAlive);
                          ChannelFuture written = ctx.writeAndFlush(response);
                          if (!keepAlive) {
                            written.addListener(ChannelFutureListener.CLOSE);
                          }
                        }));
  }

  private HttpResponseStatus readyStatus() {
    return ready.getAsBoolean() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
  }

  /**
   * The admin port listens on every address in a pod (for the kubelet's probes), so only the pod's
   * own containers, which reach it over loopback, may stop the sidecar.
   */
  private void quit(ChannelHandlerContext ctx, FullHttpRequest request) {
    SocketAddress peer = ctx.channel().remoteAddress();
    if (!request.method().equals(HttpMethod.POST)) {
      write(ctx, request, methodNotAllowed("POST"));
    } else if (!(peer instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress())) {
      log.warn("refused {} from {}: only loopback clients may stop the sidecar", QUIT_PATH, peer);
      write(
          ctx,
          request,
          text(
              HttpResponseStatus.FORBIDDEN,
              "text/plain",
              "only the pod's own containers (loopback) may stop the sidecar\n"));
    } else {
      log.info("stopping: {} from {}", QUIT_PATH, peer);
      FullHttpResponse response = text(HttpResponseStatus.OK, "text/plain", "stopping\n");
      HttpUtil.setKeepAlive(response, false);
      ctx.writeAndFlush(response)
          .addListener(ChannelFutureListener.CLOSE)
          .addListener(done -> quit.run());
    }
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse methodNotAllowed(String allowed) {
    FullHttpResponse response =
        text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", allowed + " only\n");
    response.headers().set(HttpHeaderNames.ALLOW, allowed);
    return response;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
    return bytes(status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static FullHttpResponse bytes(HttpResponseStatus status, String type, byte[] bytes) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }
}
