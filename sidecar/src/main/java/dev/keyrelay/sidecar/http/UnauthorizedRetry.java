package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.secrets.SecretValue;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Set;

/**
 * One retry of a request whose issued token the upstream refused with 401: the token may have been
 * revoked before its expiry, and a fresh one usually works. Only idempotent requests without a body
 * qualify, so that sending one twice can do no harm and nothing has to be buffered.
 */
final class UnauthorizedRetry {

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final HttpRequest head;
  private SecretValue sent;
  private boolean used;

  private UnauthorizedRetry(HttpRequest head) {
    this.head = head;
  }

  /**
   * Takes a copy of the request head before it goes upstream, or returns null when the request may
   * not be retried: its route's secret is not an issued token, it may change something, or it has a
   * body.
   */
  static UnauthorizedRetry of(Route route, HttpRequest request, boolean webSocket) {
    if (route == null
        || !route.secret().issued()
        || webSocket
        || !IDEMPOTENT.contains(request.method())
        || HttpUtil.isTransferEncodingChunked(request)
        || HttpUtil.getContentLength(request, 0L) != 0
        || request instanceof FullHttpRequest full && full.content().isReadable()) {
      return null;
    }
    return new UnauthorizedRetry(
        new DefaultFullHttpRequest(
            request.protocolVersion(),
            request.method(),
            request.uri(),
            Unpooled.EMPTY_BUFFER,
            request.headers().copy(),
            EmptyHttpHeaders.INSTANCE));
  }

  /** Remembers the token that went out with the request. */
  void sent(SecretValue secret) {
    sent = secret;
  }

  /**
   * Whether the response is the one 401 to retry, once the whole request is upstream; the token
   * that was sent is then the one to drop.
   */
  boolean take(int status, boolean requestDone) {
    if (status != 401 || !requestDone || used) {
      return false;
    }
    used = true;
    return true;
  }

  SecretValue rejected() {
    return sent;
  }

  /** The request again, whole: its head as the agent sent it and an empty body. */
  HttpRequest request() {
    return ((FullHttpRequest) head).copy();
  }
}
