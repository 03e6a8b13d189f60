package dev.keyrelay.sidecar.http;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/** The HTTP codec settings of the agent-facing side, and the CONNECT confirmation. */
final class ProxyCodecs {

  private static final HttpResponseStatus ESTABLISHED =
      new HttpResponseStatus(200, "Connection Established");

  /** Generous limits: API clients send long URLs, tokens and cookies. */
  static final int MAX_INITIAL_LINE = 16 * 1024;

  static final int MAX_HEADER_BYTES = 64 * 1024;

  /** Browsers send some 20 fields, API clients fewer; Apache httpd's default limit is 100. */
  static final int MAX_HEADER_COUNT = 100;

  private ProxyCodecs() {}

  /** The HTTP/1.1 server codec; {@link HeaderCountLimit} belongs right after it. */
  static HttpServerCodec serverCodec() {
    return new HttpServerCodec(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE)
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            .setMaxChunkSize(64 * 1024));
  }

  static FullHttpResponse connectionEstablished() {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ESTABLISHED);
  }
}
