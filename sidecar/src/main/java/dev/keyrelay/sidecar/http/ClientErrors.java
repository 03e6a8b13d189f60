package dev.keyrelay.sidecar.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.keyrelay.sidecar.logging.LogThrottle;
import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every agent-facing pipeline (connection and HTTP/2 stream): an exception that
 * no step handled closes the connection and is logged as one line without a stack trace, throttled
 * per kind. What reaches it is almost always the agent's doing (plain text after CONNECT, a refused
 * certificate, a reset, an HTTP/2 protocol error), and Netty's default, a WARN with a stack trace
 * per occurrence, lets a misbehaving agent flood the log.
 */
@ChannelHandler.Sharable
final class ClientErrors extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);
  private static final AttributeKey<Boolean> REPORTED =
      AttributeKey.valueOf(ClientErrors.class, "reported");
  private static final int MAX_DETAIL = 200;

  // One per process, as the logger is: ten seconds between lines of one kind.
  private static final LogThrottle THROTTLE =
      new LogThrottle(TimeUnit.SECONDS.toNanos(10), System::nanoTime);

  private final ProxyMetrics metrics;

  ClientErrors(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    report(ctx.channel(), cause);
    ctx.close();
  }

  /**
   * Counts and logs one failure of {@code channel}; the first report per channel wins, since one
   * failed handshake arrives both as an event and as an exception.
   */
  void report(Channel channel, Throwable cause) {
    if (channel.attr(REPORTED).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    String kind = kind(cause);
    metrics.clientError(kind);
    long heldBack = THROTTLE.admit(kind);
    if (heldBack == LogThrottle.SUPPRESSED) {
      return;
    }
    if (kind.equals("unexpected")) {
      // Not a known client mistake, so possibly ours: the stack trace is worth its lines.
      log.warn(
          "agent connection failed {} {}", kv("kind", kind), kv("suppressed", heldBack), cause);
      return;
    }
    log.info(
        "agent connection failed {} {} {}",
        kv("kind", kind),
        kv("detail", detail(cause)),
        kv("suppressed", heldBack));
  }

  static String kind(Throwable cause) {
    if (has(cause, Http2Exception.class)) {
      return "http2_protocol_error";
    }
    if (has(cause, NotSslRecordException.class)) {
      return "not_tls";
    }
    if (has(cause, SslHandshakeTimeoutException.class)) {
      return "tls_handshake_timeout";
    }
    if (has(cause, SSLException.class)) {
      return "tls_failed";
    }
    if (has(cause, IOException.class)) {
      return "connection_error";
    }
    if (has(cause, DecoderException.class)) {
      return "bad_input";
    }
    return "unexpected";
  }

  private static boolean has(Throwable cause, Class<? extends Throwable> type) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String detail(Throwable cause) {
    String text = RootCause.message(cause);
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
  }
}
