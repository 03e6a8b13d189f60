package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.stream.Stream;

/**
 * Drops the headers that describe one connection or stream, not the message (RFC 9110 section
 * 7.6.1).
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

  private HopByHopHeaders() {}

  /** Transfer-Encoding stays: the codecs re-frame the body the same way on the other side. */
  static void strip(HttpHeaders headers) {
    for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : listed.split(",")) {
        String trimmed = name.trim();
        if (!trimmed.isEmpty() && !trimmed.equalsIgnoreCase("transfer-encoding")) {
          headers.remove(trimmed);
        }
      }
    }
    for (AsciiString name : ALWAYS) {
      headers.remove(name);
    }
  }
}
