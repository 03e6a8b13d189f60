package dev.keyrelay.sidecar.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token endpoint's answer limit holds while the body arrives, not after. */
class TokenEndpointTest {

  private HttpServer server;
  private final AtomicLong written = new AtomicLong();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(
        "/small",
        exchange -> {
          byte[] body = "{\"access_token\":\"t\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext(
        "/endless",
        exchange -> {
          exchange.sendResponseHeaders(200, 0); // chunked, no end
          byte[] chunk = new byte[16 * 1024];
          Arrays.fill(chunk, (byte) ' ');
          try (OutputStream out = exchange.getResponseBody()) {
            while (written.get() < 1L << 30) {
              out.write(chunk);
              written.addAndGet(chunk.length);
            }
          } catch (IOException closedByTheClient) {
            // expected: the client stops reading past the limit
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private TokenEndpoint endpoint(String path) {
    return new TokenEndpoint(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
        null,
        "test endpoint");
  }

  @Test
  void readsASmallJsonAnswer() throws Exception {
    TokenEndpoint.Answer answer = endpoint("/small").post(Map.of(), "text/plain", "");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().path("access_token").asText()).isEqualTo("t");
  }

  @Test
  void stopsReadingAnEndlessAnswerAtTheLimit() {
    assertThatThrownBy(() -> endpoint("/endless").post(Map.of(), "text/plain", ""))
        .isInstanceOf(SecretStoreDownException.class)
        .hasMessage("test endpoint answered an oversized body");
    assertThat(written.get())
        .as("the server was stopped long before a gigabyte")
        .isLessThan(64L << 20);
  }
}
