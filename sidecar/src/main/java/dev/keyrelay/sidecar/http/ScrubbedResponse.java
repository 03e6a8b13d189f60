package dev.keyrelay.sidecar.http;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.scrub.Scrubbing;
import dev.keyrelay.sidecar.scrub.StreamScrubber;
import dev.keyrelay.sidecar.secrets.SecretValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.Map;

/**
 * Keeps a routed exchange's secret out of what the agent reads back: header values, body pieces and
 * trailers of the response, and after a WebSocket handshake the upstream's frames. The request asks
 * for an unencoded response, since a compressed body cannot be searched; a response that is encoded
 * all the same is refused rather than passed on unread.
 */
final class ScrubbedResponse {

  private final StreamScrubber scrubber;

  private ScrubbedResponse(StreamScrubber scrubber) {
    this.scrubber = scrubber;
  }

  /** The scrubbing for a request injected with {@code secret}, or null when the route opts out. */
  static ScrubbedResponse forRoute(Route route, SecretValue secret, Scrubbing scrubbing) {
    if (route == null || !route.scrub()) {
      return null;
    }
    String basicUser = route.auth() instanceof RouteAuth.Basic basic ? basic.username() : null;
    return new ScrubbedResponse(scrubbing.newScrubber(secret.reveal(), basicUser));
  }

  /** Asks for a body that can be searched: no content coding, no WebSocket compression. */
  void prepare(HttpRequest request) {
    request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
    request.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
  }

  /** The content coding of a response body that cannot be scrubbed, or null when it can. */
  static String unreadableCoding(HttpResponse response) {
    String coding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    return coding == null || coding.trim().equalsIgnoreCase("identity") ? null : coding;
  }

  void headers(HttpHeaders headers) {
    List<Map.Entry<String, String>> fields = null;
    int index = 0;
    for (Map.Entry<String, String> field : headers) {
      String scrubbed = scrubber.scrub(field.getValue());
      if (scrubbed != field.getValue()) {
        if (fields == null) {
          fields = headers.entries();
        }
        fields.set(index, Map.entry(field.getKey(), scrubbed));
      }
      index++;
    }
    if (fields != null) {
      // Rare (an upstream that echoes the credential in a header): rebuilt in the same order.
      headers.clear();
      fields.forEach(field -> headers.add(field.getKey(), field.getValue()));
    }
  }

  /** The piece scrubbed; takes ownership of {@code content}. */
  HttpContent content(HttpContent content, ByteBufAllocator alloc) {
    boolean last = content instanceof LastHttpContent;
    ByteBuf scrubbed = scrubber.scrub(content.content(), last, alloc);
    if (!last) {
      return new DefaultHttpContent(scrubbed);
    }
    LastHttpContent out = new DefaultLastHttpContent(scrubbed);
    out.trailingHeaders().set(((LastHttpContent) content).trailingHeaders());
    headers(out.trailingHeaders());
    return out;
  }

  /** The scrubber for the upstream-to-agent bytes after a WebSocket handshake. */
  StreamScrubber relay() {
    return scrubber;
  }

  boolean masked() {
    return scrubber.masked() > 0;
  }

  void release() {
    scrubber.release();
  }
}
