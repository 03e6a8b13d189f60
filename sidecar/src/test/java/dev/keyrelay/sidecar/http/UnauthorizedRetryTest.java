package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import dev.keyrelay.sidecar.secrets.SecretValue;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnauthorizedRetryTest {

  private static final RouteAuth BEARER = new RouteAuth.Header("Authorization", "Bearer");
  private static final Route TOKEN_ROUTE =
      route(
          new SecretRef.OAuth2(
              URI.create("https://login.example/token"),
              SecretRef.OAuth2.GrantType.CLIENT_CREDENTIALS,
              "client",
              new SecretRef.Env("SECRET"),
              null,
              List.of(),
              null,
              null));
  private static final Route STATIC_ROUTE = route(new SecretRef.File(Path.of("/run/key")));

  @Test
  void onlyIdempotentBodylessRequestsOfIssuedTokenRoutesAreRetried() {
    assertThat(retryable(request(HttpMethod.GET), false)).isTrue();
    assertThat(retryable(request(HttpMethod.HEAD), false)).isTrue();
    assertThat(retryable(request(HttpMethod.POST), false)).isFalse();
    assertThat(retryable(request(HttpMethod.DELETE), false)).isFalse();
    assertThat(retryable(request(HttpMethod.GET), true)).isFalse();
    assertThat(UnauthorizedRetry.of(STATIC_ROUTE, request(HttpMethod.GET), false)).isNull();
    assertThat(UnauthorizedRetry.of(null, request(HttpMethod.GET), false)).isNull();

    HttpRequest withLength = request(HttpMethod.GET);
    withLength.headers().set("Content-Length", "5");
    assertThat(retryable(withLength, false)).isFalse();
    HttpRequest chunked = request(HttpMethod.GET);
    chunked.headers().set("Transfer-Encoding", "chunked");
    assertThat(retryable(chunked, false)).isFalse();
    FullHttpRequest whole =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.GET,
            "/",
            Unpooled.copiedBuffer("body", StandardCharsets.UTF_8));
    assertThat(retryable(whole, false)).isFalse();
    whole.release();
  }

  @Test
  void aPostIsNotRetriedButItsRejectedTokenIsKnown() {
    UnauthorizedRetry post = UnauthorizedRetry.of(TOKEN_ROUTE, request(HttpMethod.POST), false);
    post.sent(new SecretValue("injected"));

    assertThat(post.take(401, true)).isFalse();
    assertThat(post.rejected().reveal())
        .as("the token to drop, so that the next request fetches a new one")
        .isEqualTo("injected");
  }

  private static boolean retryable(HttpRequest request, boolean webSocket) {
    return UnauthorizedRetry.of(TOKEN_ROUTE, request, webSocket).retryable();
  }

  @Test
  void retriesOneFinished401AndReplaysTheHeadAsTheAgentSentIt() {
    HttpRequest original = request(HttpMethod.GET);
    original.headers().set("X-Trace", "abc");
    UnauthorizedRetry retry = UnauthorizedRetry.of(TOKEN_ROUTE, original, false);
    original.headers().set("Authorization", "Bearer injected");
    retry.sent(new SecretValue("injected"));

    assertThat(retry.take(403, true)).isFalse();
    assertThat(retry.take(401, false)).as("the request is not all upstream yet").isFalse();
    assertThat(retry.take(401, true)).isTrue();
    assertThat(retry.take(401, true)).as("only once").isFalse();
    assertThat(retry.rejected().reveal()).isEqualTo("injected");
    FullHttpRequest again = (FullHttpRequest) retry.request();
    assertThat(again.method()).isEqualTo(HttpMethod.GET);
    assertThat(again.uri()).isEqualTo("/v1/items?page=2");
    assertThat(again.headers().get("X-Trace")).isEqualTo("abc");
    assertThat(again.headers().get("Authorization")).isEqualTo("Bearer placeholder");
    assertThat(again.content().readableBytes()).isZero();
    again.release();
  }

  private static HttpRequest request(HttpMethod method) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/v1/items?page=2");
    request.headers().set("Authorization", "Bearer placeholder");
    return request;
  }

  private static Route route(SecretRef secret) {
    return new Route(
        "api",
        new HostMatch("api.example", 443),
        null,
        BEARER,
        secret,
        false,
        true,
        RoutePolicy.OPEN);
  }
}
