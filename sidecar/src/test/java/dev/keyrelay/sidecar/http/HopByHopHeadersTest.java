package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  @Test
  void dropsConnectionHeadersAndTheHeadersConnectionNamesButKeepsTheMessage() {
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .add("Connection", "keep-alive, X-Hop")
            .add("connection", "Transfer-Encoding")
            .add("X-Hop", "1")
            .add("Keep-Alive", "timeout=5")
            .add("Proxy-Connection", "keep-alive")
            .add("Proxy-Authorization", "Basic cGxhY2Vob2xkZXI=")
            .add("TE", "trailers")
            .add("Upgrade", "h2c")
            .add("x-http2-scheme", "https")
            .add("x-http2-stream-id", "3")
            .add("Transfer-Encoding", "chunked")
            .add("Content-Type", "application/json")
            .add("X-Request-Id", "abc");

    HopByHopHeaders.strip(headers);

    assertThat(headers.names())
        .containsExactlyInAnyOrder("Transfer-Encoding", "Content-Type", "X-Request-Id");
  }

  @Test
  void leavesHeadersWithoutHopByHopOnesAlone() {
    HttpHeaders headers = new DefaultHttpHeaders().add("Accept", "*/*").add("X-Api-Key", "p");

    HopByHopHeaders.strip(headers);

    assertThat(headers.names()).containsExactlyInAnyOrder("Accept", "X-Api-Key");
    assertThat(headers.get("Accept")).isEqualTo("*/*");
    assertThat(headers.get("X-Api-Key")).isEqualTo("p");
  }
}
