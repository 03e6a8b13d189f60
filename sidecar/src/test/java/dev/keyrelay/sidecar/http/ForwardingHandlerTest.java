package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.testing.ParsingUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exchange state machine on embedded channels: what reaches the upstream, and when. */
class ForwardingHandlerTest {

  private static final String HOST = "Host: " + EmbeddedTunnel.HOST + "\r\n";

  @TempDir Path dir;
  EmbeddedTunnel tunnel;

  @BeforeEach
  void open() throws Exception {
    tunnel = new EmbeddedTunnel(dir, new RouteAuth.Header("x-api-key", null));
  }

  @AfterEach
  void close() {
    tunnel.close();
  }

  @Test
  void replacesTheAgentsCredentialsWithTheRealOneAndPoolsTheConnectionWhenTheAgentLeaves() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "GET /v1/models HTTP/1.1\r\n"
                + HOST
                + "x-api-key: placeholder\r\nAuthorization: Bearer placeholder\r\n"
                + "Proxy-Authorization: Basic cGxhY2Vob2xkZXI=\r\n\r\n");

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 200 OK");
    assertThat(outcome.upstreamRequests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.header("x-api-key")).containsExactly(EmbeddedTunnel.SECRET);
              assertThat(request.header("authorization")).isEmpty();
              assertThat(request.header("proxy-authorization")).isEmpty();
              assertThat(request.header("host")).containsExactly(EmbeddedTunnel.HOST);
            });
    // Kept for the agent's next request until the agent goes.
    assertThat(outcome.released()).isZero();
    assertThat(outcome.discarded()).isZero();
    assertThat(tunnel.agentCloses().released()).isEqualTo(1);
  }

  @Test
  void keepAliveRequestsReuseOneUpstreamConnection() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "GET /one HTTP/1.1\r\n" + HOST + "\r\nGET /two HTTP/1.1\r\n" + HOST + "\r\n");

    assertThat(outcome.upstreamRequests())
        .extracting(ParsingUpstream.Parsed::target, ParsingUpstream.Parsed::connection)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/one", 1),
            org.assertj.core.groups.Tuple.tuple("/two", 1));
    assertThat(outcome.released()).isZero();
    assertThat(tunnel.agentCloses().released()).isEqualTo(1);
  }

  @Test
  void aKeptConnectionThatTheUpstreamClosedIsNotUsedAgain() {
    tunnel.agentSends("GET /one HTTP/1.1\r\n" + HOST + "\r\n");
    tunnel.upstreamsClose();

    EmbeddedTunnel.Outcome outcome = tunnel.agentSends("GET /two HTTP/1.1\r\n" + HOST + "\r\n");

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 200 OK");
    assertThat(outcome.upstreamRequests())
        .extracting(ParsingUpstream.Parsed::target, ParsingUpstream.Parsed::connection)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/one", 1),
            org.assertj.core.groups.Tuple.tuple("/two", 2));
  }

  @Test
  void aConnectionHeaderThatNamesContentLengthSendsNothingUpstream() {
    String inner = "GET /smuggled HTTP/1.1\r\n" + HOST + "\r\n";
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "POST /a HTTP/1.1\r\n"
                + HOST
                + "Connection: content-length\r\nContent-Length: "
                + inner.length()
                + "\r\n\r\n"
                + inner);

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(outcome.upstreamRequests()).isEmpty();
    assertThat(tunnel.agentConnectionOpen()).isFalse();
  }

  @Test
  void aConnectInsideTheTunnelIsRefusedAndNeverReachesTheUpstream() {
    // Forwarded, the upstream's 200 would have made the pooled connection an opaque tunnel.
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "CONNECT /one HTTP/1.1\r\n" + HOST + "\r\nGET /two HTTP/1.1\r\n" + HOST + "\r\n");

    assertThat(outcome.agentReceived())
        .startsWith("HTTP/1.1 400 Bad Request")
        .contains("CONNECT is not forwarded");
    assertThat(outcome.upstreamRequests()).isEmpty();
    assertThat(tunnel.agentConnectionOpen()).isFalse();
  }

  @Test
  void aBodyThatFailsToDecodeLeavesTheUpstreamRequestUnfinishedAndItsConnectionDiscarded() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends("POST /c HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n");
    assertThat(outcome.upstreamFlushes()).isEqualTo(1);

    outcome = tunnel.agentSends("5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n");

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(outcome.upstreamRequests()).isEmpty();
    assertThat(outcome.truncatedUpstreams()).isEqualTo(1);
    assertThat(outcome.discarded()).isEqualTo(1);
    assertThat(outcome.released()).isZero();
  }

  @Test
  void aBodyThatFailsToDecodeInTheReadOfItsHeadSendsNothingUpstream() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "POST /c HTTP/1.1\r\n"
                + HOST
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n");

    // The head and the first chunk were still waiting for the end of the read when the bad chunk
    // failed the exchange: its connection was discarded before any byte of it was sent.
    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(outcome.upstreamBytes()).singleElement().satisfies(b -> assertThat(b).isEmpty());
    assertThat(outcome.discarded()).isEqualTo(1);
    assertThat(outcome.released()).isZero();
  }

  @Test
  void requestTrailersAreDropped() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "POST /t HTTP/1.1\r\n"
                + HOST
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "2\r\nhi\r\n0\r\nx-api-key: chosen\r\nHost: evil.test\r\n\r\n");

    assertThat(outcome.upstreamRequests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.trailers()).isEmpty();
              assertThat(new String(request.body(), java.nio.charset.StandardCharsets.US_ASCII))
                  .isEqualTo("hi");
              assertThat(request.header("transfer-encoding")).containsExactly("chunked");
            });
  }

  @Test
  void aContentLengthBodyGoesUpWithTheProxysOwnContentLength() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends("PUT /p HTTP/1.1\r\n" + HOST + "Content-Length: 005\r\n\r\nhello");

    assertThat(outcome.upstreamRequests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.header("content-length")).containsExactly("5");
              assertThat(request.body()).hasSize(5);
            });
  }

  @Test
  void aRequestWithoutBodyGoesUpWholeInOneFlushAndTheNextOnTheSameConnection() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "GET /one HTTP/1.1\r\n"
                + HOST
                + "\r\nDELETE /two HTTP/1.1\r\n"
                + HOST
                + "Content-Length: 0\r\n\r\n");

    // One flush per request: its head and the decoder's empty end go up together.
    assertThat(outcome.upstreamFlushes()).isEqualTo(2);
    assertThat(outcome.upstreamRequests())
        .extracting(
            ParsingUpstream.Parsed::method,
            ParsingUpstream.Parsed::target,
            ParsingUpstream.Parsed::connection)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET", "/one", 1),
            org.assertj.core.groups.Tuple.tuple("DELETE", "/two", 1));
    assertThat(outcome.upstreamRequests().get(1).header("content-length")).containsExactly("0");
    assertThat(outcome.truncatedUpstreams()).isZero();
    assertThat(outcome.agentReceived()).containsPattern("(?s)200 OK.*200 OK");
    assertThat(outcome.discarded()).isZero();
  }

  @Test
  void aHeadAndTheBodyThatCameWithItGoUpInOneFlush() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "POST /v1/messages HTTP/1.1\r\n"
                + HOST
                + "Content-Length: 13\r\n\r\n{\"model\":\"m\"}");

    assertWentUpWholeInOneFlush(outcome, "{\"model\":\"m\"}");
  }

  @Test
  void aRequestDeliveredWithoutTheEndOfARead() {
    // As SslHandler delivers data that arrived with the end of its handshake: from a task, with no
    // channelReadComplete after it. The request must still go up, not wait for a next read.
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSendsWithoutReadComplete(
            "PUT /p HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhello");

    assertWentUpWholeInOneFlush(outcome, "hello");
  }

  /** One request, its head and body sent upstream in one flush, and the agent got the answer. */
  private static void assertWentUpWholeInOneFlush(EmbeddedTunnel.Outcome outcome, String body) {
    assertThat(outcome.upstreamFlushes()).isEqualTo(1);
    assertThat(outcome.upstreamRequests())
        .singleElement()
        .satisfies(request -> assertThat(request.body()).asString().isEqualTo(body));
    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void anOversizedHeadInsideTheTunnelGets431() {
    assertThat(
            tunnel
                .agentSends(
                    "GET /h HTTP/1.1\r\n" + HOST + "X-Big: " + "a".repeat(70_000) + "\r\n\r\n")
                .agentReceived())
        .startsWith("HTTP/1.1 431");
  }

  @Test
  void anOversizedRequestLineInsideTheTunnelGets414() {
    assertThat(
            tunnel
                .agentSends("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n" + HOST + "\r\n")
                .agentReceived())
        .startsWith("HTTP/1.1 414");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/0.9", "HTTP/0.1", "HTTP/1.2", "HTTP/2.0", "HTTP/9.9"})
  void aRequestInAnotherHttpVersionGets505AndNothingGoesUpstream(String version) {
    // Found by InterceptedRequestFuzzTest: the decoder accepts any HTTP/d.d and the request went
    // upstream in that version, where the rest of its head may be read as another request.
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "GET /v HTTP/1.1\r\n" + HOST + "\r\nGET /smuggled " + version + "\r\n" + HOST + "\r\n");

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 200 OK").contains("HTTP/1.1 505 ");
    assertThat(outcome.upstreamRequests())
        .extracting(ParsingUpstream.Parsed::target)
        .containsExactly("/v");
    assertThat(outcome.upstreamBytes())
        .singleElement()
        .satisfies(
            bytes ->
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                    .doesNotContain("/smuggled"));
    assertThat(tunnel.agentConnectionOpen()).isFalse();
  }

  @Test
  void anHttp10RequestWithTransferEncodingIsRefused() {
    // An HTTP/1.0 upstream ignores chunked and would read the chunk data as a request; Netty's
    // decoder refuses the head (RFC 9112 section 6.1), and this keeps it so.
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends(
            "POST /old HTTP/1.0\r\n"
                + HOST
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "1c\r\nGET /smuggled HTTP/1.0\r\n\r\n\r\n0\r\n\r\n");

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(outcome.upstreamBytes()).isEmpty();
  }

  @Test
  void anHttp10RequestIsForwardedInHttp10() {
    EmbeddedTunnel.Outcome outcome =
        tunnel.agentSends("POST /old HTTP/1.0\r\n" + HOST + "Content-Length: 2\r\n\r\nhi");

    assertThat(outcome.agentReceived()).startsWith("HTTP/1.1 200 OK");
    assertThat(outcome.upstreamRequests())
        .singleElement()
        .satisfies(
            request ->
                assertThat(new String(request.body(), StandardCharsets.US_ASCII)).isEqualTo("hi"));
  }
}
