package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * How one request body is delimited on its way upstream. It is decided once, from what the
 * agent-side decoder parsed, before any header is touched, and written onto the upstream request in
 * place of the agent's own framing headers: no header the agent controls can make the upstream cut
 * the body anywhere else (the request-smuggling class). It also checks that what is forwarded
 * matches what was declared, so an exchange whose body was not sent exactly as framed never
 * completes upstream and its connection is never reused.
 */
final class RequestFraming {

  private static final long CHUNKED = -1;

  private final long declared;
  private final boolean lengthHeader;
  private long forwarded;

  private RequestFraming(long declared, boolean lengthHeader) {
    this.declared = declared;
    this.lengthHeader = lengthHeader;
  }

  /** Reads the framing of a request head exactly as it arrived from the decoder. */
  static RequestFraming of(HttpRequest request) {
    boolean hadLength = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
    if (request instanceof FullHttpRequest full) {
      // An HTTP/2 stream that ended with its headers: the body, if any, is already here.
      long bytes = full.content().readableBytes();
      return new RequestFraming(bytes, hadLength || bytes > 0);
    }
    if (HttpUtil.isTransferEncodingChunked(request)) {
      return new RequestFraming(CHUNKED, false);
    }
    // The decoder framed the body by Content-Length, or, with none, read no body at all.
    return new RequestFraming(HttpUtil.getContentLength(request, 0L), hadLength);
  }

  /** The body's length, or -1 when it is chunked and its length unknown until it ends. */
  long declaredLength() {
    return declared;
  }

  /** Replaces whatever framing headers the request carries now with the decided framing. */
  void apply(HttpHeaders headers) {
    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (declared == CHUNKED) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else if (lengthHeader) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, declared);
    }
  }

  /**
   * Takes one body part on its way upstream: counts it, and drops request trailers (fields the
   * agent could use to add a Host or a credential after the proxy looked at the head).
   *
   * @return false when the part goes past the declared length and must not be sent
   */
  boolean accept(HttpContent content) {
    forwarded += content.content().readableBytes();
    if (content instanceof LastHttpContent last && !last.trailingHeaders().isEmpty()) {
      last.trailingHeaders().clear();
    }
    return declared == CHUNKED || forwarded <= declared;
  }

  /** Whether everything forwarded so far adds up to exactly the declared body. */
  boolean complete() {
    return declared == CHUNKED || forwarded == declared;
  }
}
