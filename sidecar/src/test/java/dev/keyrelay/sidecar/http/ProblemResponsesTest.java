package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyrelay.sidecar.testing.ProblemDetails;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProblemResponsesTest {

  @Test
  void everyTypeIsAValidProblemWithItsOwnUriAndTheErrorHeader() throws Exception {
    Set<String> uris = new HashSet<>();
    for (ProblemType type : ProblemType.values()) {
      FullHttpResponse response =
          ProblemResponses.of(new ProxyRejection(type, "github", "what happened"));
      try {
        String body = response.content().toString(StandardCharsets.UTF_8);
        JsonNode problem = ProblemDetails.parse(body, response.status().code());
        assertThat(problem.get("type").asText()).isEqualTo(ProblemDetails.type(type.code()));
        assertThat(problem.get("title").asText()).isEqualTo(type.title());
        assertThat(problem.get("detail").asText()).isEqualTo("what happened");
        assertThat(problem.get("route").asText()).isEqualTo("github");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE))
            .isEqualTo("application/problem+json");
        assertThat(response.headers().get("X-Keyrelay-Error")).isEqualTo(type.code());
        assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
            .isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(uris.add(type.uri())).as("unique type URI %s", type.uri()).isTrue();
      } finally {
        response.release();
      }
    }
  }

  @Test
  void noRouteLeavesTheMemberOutAndExtraHeadersAreKept() throws Exception {
    FullHttpResponse response =
        ProblemResponses.of(
            new ProxyRejection(ProblemType.RATE_LIMITED, null, "slow down")
                .withHeader(HttpHeaderNames.RETRY_AFTER, 7));
    try {
      JsonNode problem =
          ProblemDetails.parse(response.content().toString(StandardCharsets.UTF_8), 429);
      assertThat(problem.has("route")).isFalse();
      assertThat(response.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("7");
    } finally {
      response.release();
    }
  }
}
