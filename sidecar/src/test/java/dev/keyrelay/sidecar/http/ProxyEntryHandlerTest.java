package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy port's first step without sockets: what it answers to first requests it cannot serve.
 */
class ProxyEntryHandlerTest {

  @TempDir Path dir;
  private EmbeddedChannel agent;

  @BeforeEach
  void proxyPort() {
    Route route =
        EmbeddedTunnel.route(
            new RouteAuth.Header("X-Api-Key", null), new SecretRef.File(dir.resolve("secret")));
    ProxyServices services =
        EmbeddedTunnel.services(dir, route, EmbeddedTunnel.loopbackResolver(), null);
    agent =
        new EmbeddedChannel(
            ProxyCodecs.serverCodec(), HeaderCountLimit.INSTANCE, new ProxyEntryHandler(services));
  }

  @AfterEach
  void release() {
    agent.finishAndReleaseAll();
  }

  @Test
  void anOriginFormRequestIsToldThisIsAForwardProxy() {
    String answer = send("GET /v1/models HTTP/1.1\r\nHost: api.test\r\n\r\n");

    assertThat(answer)
        .startsWith("HTTP/1.1 400 ")
        .containsIgnoringCase("x-keyrelay-error: bad_request")
        .contains("this is a forward proxy");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"api.test:+443", "api.test:0443", "user@api.test:443", "api.test:", "[::1:443"})
  void aConnectTargetThatIsNotAPlainHostAndPortIsRefused(String target) {
    String answer = send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("bad CONNECT target");
    assertThat(agent.isOpen()).as("the connection ends after the answer").isFalse();
  }

  @Test
  void aRequestLineThatDoesNotParseGetsA400NotASilentClose() {
    String answer = send("GET http://api.test/ HTTP/1.1 extra\r\nHost: api.test\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ");
  }

  private String send(String raw) {
    agent.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    agent.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object msg = agent.readOutbound(); msg != null; msg = agent.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      out.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return out.toString();
  }
}
