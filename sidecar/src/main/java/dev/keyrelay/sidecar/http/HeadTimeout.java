package dev.keyrelay.sidecar.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.keyrelay.sidecar.logging.LogThrottle;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers 408 and closes when the first request head has not fully arrived within {@code
 * proxy.headerTimeout} of this step starting (the connection's accept, or a tunnel's TLS
 * handshake); removes itself once it has. Without it a client that sends a head a byte at a time
 * holds its connection forever (slowloris).
 */
final class HeadTimeout extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HeadTimeout.class);
  private static final LogThrottle THROTTLE =
      new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

  private final Duration timeout;
  private final ProxyMetrics metrics;
  private ScheduledFuture<?> timer;

  HeadTimeout(Duration timeout, ProxyMetrics metrics) {
    this.timeout = timeout;
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> expired(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel(false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }

  private void expired(ChannelHandlerContext ctx) {
    if (!ctx.channel().isActive()) {
      return;
    }
    metrics.clientTimeout("header");
    long heldBack = THROTTLE.admit("header");
    if (heldBack != LogThrottle.SUPPRESSED) {
      log.info(
          "agent sent no complete request head in time, answered 408 {} {}",
          kv("header_timeout_ms", timeout.toMillis()),
          kv("suppressed", heldBack));
    }
    ProxyRejection rejection =
        new ProxyRejection(
            ProblemType.HEADER_TIMEOUT,
            null,
            "no complete request head within " + timeout.toMillis() + " ms");
    ctx.writeAndFlush(ProblemResponses.of(rejection)).addListener(ChannelFutureListener.CLOSE);
  }
}
