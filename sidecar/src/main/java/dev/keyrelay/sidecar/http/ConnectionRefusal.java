package dev.keyrelay.sidecar.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The whole life of a connection over {@code proxy.maxConnections}: 503 with a JSON body, then the
 * close. Its output is shut first and what the client sent is read and dropped for a moment:
 * closing a socket with unread input sends a reset, which can destroy the 503 before the client
 * reads it.
 */
final class ConnectionRefusal extends ChannelInboundHandlerAdapter {

  private static final long LINGER_MILLIS = 1000;

  private final int max;

  ConnectionRefusal(int max) {
    this.max = max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    FullHttpResponse response =
        ProblemResponses.of(
            new ProxyRejection(
                    ProblemType.TOO_MANY_CONNECTIONS,
                    null,
                    "the proxy already serves its maximum of "
                        + max
                        + " connections (proxy.maxConnections)")
                .withHeader(HttpHeaderNames.RETRY_AFTER, 1));
    ctx.writeAndFlush(response)
        .addListener(
            written -> {
              if (written.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
              } else {
                ctx.close();
              }
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
