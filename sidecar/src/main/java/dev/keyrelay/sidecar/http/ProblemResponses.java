package dev.keyrelay.sidecar.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The one writer of the proxy's own answers: RFC 9457 problem details ({@code type}, {@code title},
 * {@code status}, {@code detail}, and the extension member {@code route}), with the code repeated
 * in {@code X-Keyrelay-Error} for clients that read only headers.
 */
public final class ProblemResponses {

  public static final String CONTENT_TYPE = "application/problem+json";
  public static final String ERROR_HEADER = "X-Keyrelay-Error";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProblemResponses() {}

  /** A complete response that also closes the client connection. */
  public static FullHttpResponse of(ProxyRejection rejection) {
    ProblemType type = rejection.type();
    ObjectNode body = JSON.createObjectNode();
    body.put("type", type.uri());
    body.put("title", type.title());
    body.put("status", type.status().code());
    body.put("detail", rejection.detail());
    if (rejection.route() != null) {
      body.put("route", rejection.route());
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, type.status(), Unpooled.wrappedBuffer(bytes));
    response.headers().add(rejection.headers());
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.headers().set(ERROR_HEADER, type.code());
    return response;
  }
}
