package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** Drops the headers that describe one connection, not the message (RFC 9110 section 7.6.1). */
final class HopByHopHeaders {

  private static final List<CharSequence> ALWAYS =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.TE,
          HttpHeaderNames.UPGRADE);

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
    for (CharSequence name : ALWAYS) {
      headers.remove(name);
    }
  }
}
