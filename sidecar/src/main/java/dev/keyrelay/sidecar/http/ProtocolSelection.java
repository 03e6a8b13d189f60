package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * The step after the agent's TLS handshake in an intercepted tunnel: HTTP/2 or HTTP/1.1, as ALPN
 * chose. Each HTTP/2 stream becomes one HTTP/1.1-shaped exchange, forwarded like any other.
 */
final class ProtocolSelection extends ApplicationProtocolNegotiationHandler {

  private final ProxyServices services;
  private final InterceptedTargets targets;

  ProtocolSelection(ProxyServices services, InterceptedTargets targets) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.services = services;
    this.targets = targets;
  }

  /** Added right after this step, before the connection's last handler, {@link ClientErrors}. */
  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    ChannelPipeline pipeline = ctx.pipeline();
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ClientErrors errors = new ClientErrors(services.metrics());
      pipeline
          .addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer().build())
          .addAfter(
              "h2",
              "streams",
              new Http2MultiplexHandler(
                  new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                      stream
                          .pipeline()
                          .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                          .addLast(HeaderCountLimit.INSTANCE);
                      addPolicy(stream.pipeline(), null);
                      stream
                          .pipeline()
                          .addLast(new ForwardingHandler(services, targets))
                          .addLast(errors);
                    }
                  }));
    } else {
      pipeline
          .addAfter(ctx.name(), "http", ProxyCodecs.serverCodec())
          .addAfter("http", "headers", HeaderCountLimit.INSTANCE)
          .addAfter(
              "headers",
              "head-timeout",
              new HeadTimeout(services.headerTimeout(), services.metrics()))
          .addAfter("head-timeout", "forward", new ForwardingHandler(services, targets));
      addPolicy(pipeline, "forward");
    }
  }

  /** Adds the policy step before {@code before} (or last), for a route that has a policy. */
  private void addPolicy(ChannelPipeline pipeline, String before) {
    Route route = targets.route();
    if (route.policy() == RoutePolicy.OPEN) {
      return;
    }
    RequestPolicyStep step = new RequestPolicyStep(services, request -> route);
    if (before == null) {
      pipeline.addLast("policy", step);
    } else {
      pipeline.addBefore(before, "policy", step);
    }
  }

  /**
   * Hands a failed handshake (plain text after CONNECT, a certificate the client refused, a reset)
   * to {@link ClientErrors}, instead of Netty's WARN with a stack trace.
   */
  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause);
  }
}
