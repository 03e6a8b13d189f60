package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.stream.Stream;

/**
 * Drops the headers that describe one connection or stream, not the message (RFC 9110 section
 * 7.6.1), and spots a {@code Connection} header that names a field the proxy must keep.
 */
final class HopByHopHeaders {

  // The fixed hop-by-hop names, and the pseudo-header copies (x-http2-*) that HTTP/2-to-HTTP/1
  // conversion adds, which describe the agent's stream. Built once: strip runs twice per request.
  private static final List<AsciiString> ALWAYS =
      Stream.concat(
              Stream.of(
                  HttpHeaderNames.CONNECTION,
                  HttpHeaderNames.KEEP_ALIVE,
                  HttpHeaderNames.PROXY_CONNECTION,
                  HttpHeaderNames.PROXY_AUTHORIZATION,
                  HttpHeaderNames.PROXY_AUTHENTICATE,
                  HttpHeaderNames.TE,
                  HttpHeaderNames.UPGRADE),
              Stream.of(HttpConversionUtil.ExtensionHeaderNames.values())
                  .map(HttpConversionUtil.ExtensionHeaderNames::text))
          .toList();

  // Fields that frame or address the message: the proxy decides them, so a Connection header may
  // not make them disappear (removing Content-Length after the body was framed by it is request
  // smuggling).
  private static final List<AsciiString> PROTECTED =
      List.of(
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.HOST,
          HttpHeaderNames.AUTHORIZATION);

  private HopByHopHeaders() {}

  /** Removes hop-by-hop fields; protected fields stay even when {@code Connection} names them. */
  static void strip(HttpHeaders headers) {
    for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : listed.split(",")) {
        String trimmed = name.trim();
        if (!trimmed.isEmpty() && !isProtected(trimmed)) {
          headers.remove(trimmed);
        }
      }
    }
    for (AsciiString name : ALWAYS) {
      headers.remove(name);
    }
  }

  /**
   * The first field the {@code Connection} header names that a request may not drop: a protected
   * one, or the route's credential header. Null when there is none.
   *
   * @param credentialHeader the route's header name, or null for unrouted traffic
   */
  static String protectedListed(HttpHeaders headers, CharSequence credentialHeader) {
    for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : listed.split(",")) {
        String trimmed = name.trim();
        if (isProtected(trimmed)
            || credentialHeader != null
                && AsciiString.contentEqualsIgnoreCase(trimmed, credentialHeader)) {
          return trimmed;
        }
      }
    }
    return null;
  }

  private static boolean isProtected(String name) {
    for (AsciiString field : PROTECTED) {
      if (field.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
