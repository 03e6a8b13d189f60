package dev.keyrelay.sidecar.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes an agent connection on which no byte moved either way for {@code proxy.clientIdleTimeout}.
 * First in the pipeline, so it sees the bytes on the wire whatever runs above it (TLS, HTTP/2, a
 * blind tunnel): a streaming response or a busy tunnel is never idle, and a slow reader is not
 * either while its output still drains.
 */
final class ClientIdleTimeout extends IdleStateHandler {

  private final ProxyMetrics metrics;

  ClientIdleTimeout(Duration timeout, ProxyMetrics metrics) {
    super(true, 0, 0, timeout.toNanos(), TimeUnit.NANOSECONDS);
    this.metrics = metrics;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    metrics.clientTimeout("idle");
    ctx.close();
  }
}
