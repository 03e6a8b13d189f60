package dev.keyrelay.sidecar.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;

/**
 * Marks a request head with more header fields than {@link ProxyCodecs#MAX_HEADER_COUNT} as failed,
 * so that the next step answers 431 as for headers too large in bytes. Netty's decoder limits only
 * their size, and many tiny fields cost far more to copy, filter and forward than their bytes
 * suggest.
 */
@ChannelHandler.Sharable
final class HeaderCountLimit extends ChannelInboundHandlerAdapter {

  static final HeaderCountLimit INSTANCE = new HeaderCountLimit();

  private HeaderCountLimit() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request
        && request.decoderResult().isSuccess()
        && request.headers().size() > ProxyCodecs.MAX_HEADER_COUNT) {
      request.setDecoderResult(
          DecoderResult.failure(
              new TooLongHttpHeaderException(
                  "more than " + ProxyCodecs.MAX_HEADER_COUNT + " header fields")));
    }
    ctx.fireChannelRead(msg);
  }
}
