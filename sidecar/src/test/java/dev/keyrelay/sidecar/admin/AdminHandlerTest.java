package dev.keyrelay.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminHandlerTest {

  private final AtomicInteger quits = new AtomicInteger();
  private final AdminHandler handler =
      new AdminHandler(
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          () -> true,
          new ReadinessReport(() -> true, Runnable::run),
          quits::incrementAndGet);
  private EmbeddedChannel channel;

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  /**
   * One request on a connection from {@code peer}, as the admin server's pipeline hands it over.
   */
  private FullHttpResponse send(String peer, HttpMethod method, String uri) {
    SocketAddress remote = new InetSocketAddress(peer, 40_000);
    channel =
        new EmbeddedChannel(handler) {
          @Override
          protected SocketAddress remoteAddress0() {
            return remote;
          }
        };
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
    return channel.readOutbound();
  }

  private static String body(FullHttpResponse response) {
    try {
      return response.content().toString(StandardCharsets.UTF_8);
    } finally {
      response.release();
    }
  }

  @Test
  void quitFromIpv4LoopbackAnswers200ThenClosesAndStops() {
    FullHttpResponse response = send("127.0.0.1", HttpMethod.POST, "/quitquitquit");

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(body(response)).isEqualTo("stopping\n");
    assertThat(quits).hasValue(1);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void quitFromIpv6LoopbackIsAccepted() {
    FullHttpResponse response = send("::1", HttpMethod.POST, "/quitquitquit");

    assertThat(response.status().code()).isEqualTo(200);
    response.release();
    assertThat(quits).hasValue(1);
  }

  @Test
  void quitFromAnotherPodIsForbiddenAndTheSidecarKeepsRunning() {
    FullHttpResponse response = send("10.244.1.7", HttpMethod.POST, "/quitquitquit");

    assertThat(response.status().code()).isEqualTo(403);
    assertThat(body(response)).contains("loopback");
    assertThat(quits).hasValue(0);
  }

  @Test
  void quitWithAnotherMethodIs405EvenFromLoopback() {
    FullHttpResponse response = send("127.0.0.1", HttpMethod.GET, "/quitquitquit");

    assertThat(response.status().code()).isEqualTo(405);
    assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
    response.release();
    assertThat(quits).hasValue(0);
  }

  @Test
  void probesStillAnswerGetAndRefuseOtherMethods() {
    FullHttpResponse ready = send("10.244.1.7", HttpMethod.GET, "/readyz");
    assertThat(ready.status().code()).isEqualTo(200);
    assertThat(body(ready)).isEqualTo("ready\n");
    channel.finishAndReleaseAll();

    FullHttpResponse post = send("127.0.0.1", HttpMethod.POST, "/healthz");
    assertThat(post.status().code()).isEqualTo(405);
    assertThat(post.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
    post.release();
    assertThat(quits).hasValue(0);
  }
}
