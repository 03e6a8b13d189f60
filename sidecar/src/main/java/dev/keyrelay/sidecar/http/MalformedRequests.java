package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The answer to a request head that is not forwarded as parsed: one the HTTP decoder refused (414
 * for a request line over the limit, 431 for headers over it, in bytes or in number, 400 for
 * anything else: a client told which limit it hit can shorten its request, a bare 400 reads like a
 * proxy bug), or one in an HTTP version an upstream could read another way.
 */
final class MalformedRequests {

  private MalformedRequests() {}

  /** Why the request must not go on, or null when it may. */
  static ProxyRejection refusal(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      return rejection(request.decoderResult().cause());
    }
    HttpVersion version = request.protocolVersion();
    if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
      // The decoder takes any "HTTP/d.d": HTTP/0.9 has no headers, and an upstream that reads a
      // request that way takes the head's remaining lines for a request of their own.
      return new ProxyRejection(
          ProblemType.HTTP_VERSION_NOT_SUPPORTED,
          null,
          "only HTTP/1.1 and HTTP/1.0 requests are forwarded");
    }
    return null;
  }

  private static ProxyRejection rejection(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new ProxyRejection(
          ProblemType.REQUEST_LINE_TOO_LONG,
          null,
          "request line longer than " + ProxyCodecs.MAX_INITIAL_LINE + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new ProxyRejection(
          ProblemType.HEADERS_TOO_LARGE,
          null,
          "request headers larger than "
              + ProxyCodecs.MAX_HEADER_BYTES
              + " bytes or more than "
              + ProxyCodecs.MAX_HEADER_COUNT
              + " fields");
    }
    return new ProxyRejection(ProblemType.BAD_REQUEST, null, "malformed HTTP request");
  }
}
