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
 * What a 401 to an issued token does: the token may have been revoked before its expiry, so it is
 * dropped and the next request fetches a fresh one. An idempotent request without a body is also
 * sent again once with the fresh token, since sending it twice can do no harm and nothing has to be
 * buffered; any other request gets the 401 as it came.
 */
final class UnauthorizedRetry {

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  /** A copy of the request head to send again, or null when the request may not be retried. */
  private final HttpRequest head;

  private SecretValue sent;
  private boolean used;

  private UnauthorizedRetry(HttpRequest head) {
    this.head = head;
  }

  /**
   * Returns null when the route's secret is not an issued token. Otherwise takes a copy of the
   * request head before it goes upstream when the request may be retried, that is unless it may
   * change something or has a body.
   */
  static UnauthorizedRetry of(Route route, HttpRequest request, boolean webSocket) {
    if (route == null || !route.secret().issued()) {
      return null;
    }
    if (webSocket
        || !IDEMPOTENT.contains(request.method())
        || HttpUtil.isTransferEncodingChunked(request)
        || HttpUtil.getContentLength(request, 0L) != 0
        || request instanceof FullHttpRequest full && full.content().isReadable()) {
      return new UnauthorizedRetry(null);
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
    if (status != 401 || !requestDone || used || head == null) {
      return false;
    }
    used = true;
    return true;
  }

  /** Whether the request may be sent again after a 401. */
  boolean retryable() {
    return head != null;
  }

  SecretValue rejected() {
    return sent;
  }

  /** The request again, whole: its head as the agent sent it and an empty body. */
  HttpRequest request() {
    return ((FullHttpRequest) head).copy();
  }
}
