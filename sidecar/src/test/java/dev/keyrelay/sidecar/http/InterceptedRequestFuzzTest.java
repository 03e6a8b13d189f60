package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.testing.NettyLeaks;
import dev.keyrelay.sidecar.testing.ParsingUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the HTTP/1.1 path inside an intercepted tunnel ({@link EmbeddedTunnel}: the real codec,
 * {@link ForwardingHandler} and upstream handlers, no sockets): any agent bytes in, the bytes each
 * upstream connection received out, parsed by the strict parser of {@link ParsingUpstream}. Each
 * input runs through a route with its own header, in one write, and through a Bearer route, cut
 * into three writes. What must hold for every input is in {@link #check}.
 */
class InterceptedRequestFuzzTest {

  private static final byte[] SECRET = EmbeddedTunnel.SECRET.getBytes(StandardCharsets.US_ASCII);

  /** A route's credential header and the exact value it must carry upstream. */
  private record Credential(RouteAuth auth, String value) {}

  private static final List<Credential> ROUTES =
      List.of(
          new Credential(new RouteAuth.Header("x-api-key", null), EmbeddedTunnel.SECRET),
          new Credential(
              new RouteAuth.Header("Authorization", "Bearer"), "Bearer " + EmbeddedTunnel.SECRET));

  @TempDir Path dir;
  private int runs;

  @BeforeAll
  static void trackBuffers() {
    NettyLeaks.track();
  }

  @AfterAll
  static void noLeakedBuffer() {
    NettyLeaks.assertNone();
  }

  @FuzzTest(maxDuration = "10s")
  void agentBytesInsideATunnel(byte[] input) throws Exception {
    if (indexOf(input, SECRET, 0) >= 0) {
      return; // the agent does not know the credential; echoing it would prove nothing
    }
    check(ROUTES.get(0), input, input.length);
    check(ROUTES.get(1), input, input.length / 3 + 1);
    if (++runs % 2000 == 0) {
      NettyLeaks.assertNone(); // a long fuzzing run finds a leak before its end
    }
  }

  private void check(Credential route, byte[] input, int writeSize) throws Exception {
    try (EmbeddedTunnel tunnel = new EmbeddedTunnel(dir, route.auth())) {
      StringBuilder received = new StringBuilder();
      EmbeddedTunnel.Outcome outcome = null;
      for (int from = 0; from < input.length || outcome == null; from += writeSize) {
        int to = Math.min(input.length, from + writeSize);
        outcome = tunnel.agentSends(Arrays.copyOfRange(input, from, to));
        tunnel.rethrowUnhandled();
        received.append(outcome.agentReceived());
      }

      // At most one upstream request per agent request, and none once decoding has failed: a
      // request smuggled in a body, or completed after a bad chunk, would be one too many.
      assertThat(outcome.upstreamRequests().size())
          .as("upstream requests for %s clean agent requests", outcome.cleanAgentRequests())
          .isLessThanOrEqualTo(outcome.cleanAgentRequests());

      // Every request the agent finished got a response, or the connection is closed.
      if (tunnel.agentConnectionOpen()) {
        assertThat(count(received.toString().getBytes(StandardCharsets.ISO_8859_1), "HTTP/1.1 "))
            .as(
                "responses to %s complete requests of <%s>",
                outcome.completedAgentRequests(), shown(input))
            .isGreaterThanOrEqualTo(outcome.completedAgentRequests());
      }

      for (ParsingUpstream.Parsed request : outcome.upstreamRequests()) {
        assertCredentialOnlyInItsHeader(route, request);
      }

      EmbeddedTunnel.Outcome closed = tunnel.agentCloses();
      tunnel.rethrowUnhandled();
      // A connection whose bytes stop inside a request (or do not parse) never goes back to the
      // pool: the next agent's request would be read as its tail.
      assertThat(closed.truncatedUpstreams())
          .as("unfinished upstream connections that were discarded")
          .isLessThanOrEqualTo(closed.discarded());
      // The credential goes into request heads only: once per complete request, and once more at
      // most per connection cut off inside a request.
      int occurrences =
          closed.upstreamBytes().stream().mapToInt(b -> count(b, EmbeddedTunnel.SECRET)).sum();
      assertThat(occurrences)
          .as("credential occurrences in everything sent upstream")
          .isLessThanOrEqualTo(closed.upstreamRequests().size() + closed.truncatedUpstreams());
    }
  }

  private static void assertCredentialOnlyInItsHeader(
      Credential route, ParsingUpstream.Parsed request) {
    assertThat(request.header(route.auth().headerName())).containsExactly(route.value());
    assertThat(request.method() + " " + request.target()).doesNotContain(EmbeddedTunnel.SECRET);
    assertThat(indexOf(request.body(), SECRET, 0)).as("credential in the body").isNegative();
    String credentialHeader = route.auth().headerName().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> field : request.headers()) {
      if (!field.getKey().equals(credentialHeader)) {
        assertThat(field.getKey() + ": " + field.getValue()).doesNotContain(EmbeddedTunnel.SECRET);
      }
    }
    for (Map.Entry<String, String> field : request.trailers()) {
      assertThat(field.getKey() + ": " + field.getValue()).doesNotContain(EmbeddedTunnel.SECRET);
    }
  }

  /** The start of an input, for a failure's message. */
  private static String shown(byte[] input) {
    return new String(input, 0, Math.min(input.length, 300), StandardCharsets.ISO_8859_1);
  }

  private static int count(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    int found = 0;
    for (int at = indexOf(haystack, n, 0); at >= 0; at = indexOf(haystack, n, at + 1)) {
      found++;
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
