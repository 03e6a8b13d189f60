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

  private ProxyCodecs() {}

  /** Generous header limits: API clients send long tokens and cookies. */
  static HttpServerCodec serverCodec() {
    return new HttpServerCodec(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024));
  }

  static FullHttpResponse connectionEstablished() {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ESTABLISHED);
  }
}
