package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.contract.HostMatch;
import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.EgressSettings;
import dev.keyrelay.sidecar.config.Route;
import dev.keyrelay.sidecar.config.RouteAuth;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.egress.EgressGuard;
import dev.keyrelay.sidecar.policy.RouteLimiters;
import dev.keyrelay.sidecar.policy.RoutePolicy;
import dev.keyrelay.sidecar.scrub.Scrubbing;
import dev.keyrelay.sidecar.tls.CertificateAuthority;
import dev.keyrelay.sidecar.tls.LeafCertificateMinter;
import dev.keyrelay.sidecar.tls.ServerTlsContexts;
import dev.keyrelay.sidecar.transport.Transport;
import dev.keyrelay.sidecar.upstream.HostResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The first step of a redirected HTTPS connection, without sockets: real ClientHellos from the
 * JDK's TLS client, with and without a server name.
 */
class TransparentTlsRouterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProxyServices services = services();

  private ProxyServices services() {
    HostResolver resolver =
        new HostResolver(
            Runnable::run, host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
    Route route =
        new Route(
            "api",
            new HostMatch("api.test", 443),
            null,
            new RouteAuth.Header("x-api-key", null),
            new SecretRef.Env("UNUSED"),
            false,
            true,
            RoutePolicy.OPEN);
    EgressGuard egress =
        new EgressGuard(
            new EgressSettings(List.of(), List.of(), List.of(new HostMatch("blocked.test", null))),
            resolver,
            registry);
    return new ProxyServices(
        new AtomicReference<>(new ProxyState(new RouteTable(List.of(route)), egress)),
        Transport.best(),
        resolver,
        null,
        new ServerTlsContexts(
            new LeafCertificateMinter(CertificateAuthority.generate()), Runnable::run, registry),
        null,
        new ProxyMetrics(registry),
        new AuditLog().via("transparent"),
        new Scrubbing(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        new RouteLimiters(),
        Runnable::run);
  }

  /** The first TLS record a client sends to {@code host} (null: no server name). */
  private static ByteBuf clientHello(String host) throws Exception {
    SSLEngine engine =
        host == null
            ? SSLContext.getDefault().createSSLEngine()
            : SSLContext.getDefault().createSSLEngine(host, 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    return Unpooled.wrappedBuffer(out);
  }

  private EmbeddedChannel agentSends(String host) throws Exception {
    EmbeddedChannel agent =
        new EmbeddedChannel(
            new TransparentTlsRouter(services), new ClientErrors(services.metrics()));
    agent.writeInbound(clientHello(host));
    agent.runPendingTasks();
    return agent;
  }

  private double tunnels(String kind) {
    var counter = registry.find("keyrelay.tunnels").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aClientHelloWithoutServerNameIsRefused() throws Exception {
    EmbeddedChannel agent = agentSends(null);

    assertThat(agent.isActive()).isFalse();
    assertThat(tunnels("denied")).isEqualTo(1);
    assertThat(agent.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aNameTheEgressPolicyDeniesIsRefusedBeforeAnyConnection() throws Exception {
    EmbeddedChannel agent = agentSends("blocked.test");

    assertThat(agent.isActive()).isFalse();
    assertThat(tunnels("denied")).isEqualTo(1);
    assertThat(tunnels("blind")).isZero();
    agent.finishAndReleaseAll();
  }

  @Test
  void aRoutedNameIsInterceptedByTheProxysOwnTlsAndRequestSteps() throws Exception {
    EmbeddedChannel agent = agentSends("api.test");

    assertThat(agent.isActive()).isTrue();
    assertThat(agent.pipeline().names()).startsWith("tls", "alpn");
    assertThat(agent.pipeline().get("tls")).isInstanceOf(SslHandler.class);
    assertThat(agent.pipeline().get("alpn")).isInstanceOf(ProtocolSelection.class);
    assertThat(tunnels("intercepted")).isEqualTo(1);
    // The ClientHello the router held went on to the TLS handler, which answered it.
    ByteBuf serverHello = agent.readOutbound();
    assertThat(serverHello).isNotNull();
    assertThat(serverHello.getUnsignedByte(0)).isEqualTo((short) 22); // a handshake record
    serverHello.release();
    agent.finishAndReleaseAll();
  }
}
