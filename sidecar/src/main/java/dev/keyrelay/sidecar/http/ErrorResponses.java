package dev.keyrelay.sidecar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;

/** Builds the short JSON error bodies the agent reads: {"error", "route", "detail"}. */
public final class ErrorResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponses() {}

  /** A complete response that also closes the client connection. */
  public static FullHttpResponse of(ProxyRejection rejection) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", rejection.error());
    body.put("route", rejection.route());
    body.put("detail", rejection.detail());
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, rejection.status(), Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.headers().set("X-Keyrelay-Error", rejection.error());
    return response;
  }
}
