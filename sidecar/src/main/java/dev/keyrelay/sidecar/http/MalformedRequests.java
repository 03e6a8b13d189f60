package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The answer to a request head the HTTP decoder refused: 414 for a request line over the limit,
 * 431 for headers over it (in bytes or in number), 400 for anything else. A client that is told
 * which limit it hit can shorten its request; a bare 400 reads like a proxy bug.
 */
final class MalformedRequests {

  private MalformedRequests() {}

  static ProxyRejection rejection(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new ProxyRejection(ProblemType.REQUEST_LINE_TOO_LONG, null,
          "request line longer than " + ProxyCodecs.MAX_INITIAL_LINE + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new ProxyRejection(ProblemType.HEADERS_TOO_LARGE, null,
          "request headers larger than "
              + ProxyCodecs.MAX_HEADER_BYTES
              + " bytes or more than "
              + ProxyCodecs.MAX_HEADER_COUNT
              + " fields");
    }
    return new ProxyRejection(ProblemType.BAD_REQUEST, null, "malformed HTTP request");
  }
}
