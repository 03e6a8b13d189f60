package dev.keyrelay.sidecar.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ctx.pipeline()
          .addLast("h2", Http2FrameCodecBuilder.forServer().build())
          .addLast(
              "streams",
              new Http2MultiplexHandler(
                  new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                      stream
                          .pipeline()
                          .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                          .addLast(new ForwardingHandler(services, targets));
                    }
                  }));
    } else {
      ctx.pipeline()
          .addLast("http", ProxyCodecs.serverCodec())
          .addLast("forward", new ForwardingHandler(services, targets));
    }
  }
}
