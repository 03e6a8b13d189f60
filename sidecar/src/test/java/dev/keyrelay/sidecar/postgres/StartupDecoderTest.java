package dev.keyrelay.sidecar.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.config.PostgresListener.ClientTls;
import dev.keyrelay.sidecar.config.PostgresUpstream;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.tls.CertificateAuthority;
import dev.keyrelay.sidecar.tls.LeafCertificateMinter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The startup phase on an {@link EmbeddedChannel}: negotiation answers, packets and refusals. */
class StartupDecoderTest {

  static ListenerTlsContext clientTls;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void mint() {
    clientTls = new ListenerTlsContext(new LeafCertificateMinter(CertificateAuthority.generate()));
    clientTls.prepare();
  }

  EmbeddedChannel channel(ClientTls mode) {
    PostgresListener listener =
        new PostgresListener(
            "orders",
            new HostPort("127.0.0.1", 15432),
            new PostgresUpstream("db", 5432, PostgresUpstream.SslMode.DISABLE, null),
            "agent",
            List.of(),
            mode,
            Duration.ofSeconds(2),
            new SecretRef.Env("PW"));
    PostgresServices services =
        new PostgresServices(
            null,
            null,
            null,
            null,
            clientTls,
            null,
            new PostgresMetrics(registry),
            new AuditLog(),
            new CancelRegistry(),
            new ScramKeys(),
            Duration.ofSeconds(1));
    return new EmbeddedChannel(new StartupDecoder(listener, services));
  }

  static ByteBuf request(int code) {
    return Unpooled.buffer().writeInt(8).writeInt(code);
  }

  static ByteBuf startup(String... pairs) {
    ByteBuf out = Unpooled.buffer().writeInt(0).writeInt(PgWire.PROTOCOL_3_0);
    for (String s : pairs) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
    }
    out.writeByte(0);
    return out.setInt(0, out.readableBytes());
  }

  static String oneByte(EmbeddedChannel ch) {
    ByteBuf answer = ch.readOutbound();
    try {
      assertThat(answer.readableBytes()).isEqualTo(1);
      return String.valueOf((char) answer.readByte());
    } finally {
      answer.release();
    }
  }

  /** The ErrorResponse written before the close, as text. */
  static String error(EmbeddedChannel ch) {
    ByteBuf error = ch.readOutbound();
    try {
      assertThat((char) error.readByte()).isEqualTo('E');
      assertThat(ch.isOpen()).as("closed after the error").isFalse();
      return error.toString(StandardCharsets.UTF_8);
    } finally {
      error.release();
    }
  }

  @Test
  void answersGssEncAndDeclinedSslWithNThenEmitsTheStartupInOrder() {
    EmbeddedChannel ch = channel(ClientTls.DISABLE);
    ch.writeInbound(request(PgWire.GSSENC_REQUEST));
    assertThat(oneByte(ch)).isEqualTo("N");
    ch.writeInbound(request(PgWire.SSL_REQUEST));
    assertThat(oneByte(ch)).isEqualTo("N");
    // The startup arrives in two pieces: the decoder waits for the whole packet.
    ByteBuf packet = startup("user", "agent", "database", "orders", "application_name", "x");
    ch.writeInbound(packet.readRetainedSlice(7));
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(packet);

    StartupPacket.Startup got = ch.readInbound();
    assertThat(got.tls()).isFalse();
    assertThat(got.parameters())
        .containsExactly(
            Map.entry("user", "agent"),
            Map.entry("database", "orders"),
            Map.entry("application_name", "x"));
    assertThat(ch.pipeline().get(StartupDecoder.class)).as("removed itself").isNull();
  }

  @Test
  void acceptedSslRequestAnswersSAndInstallsTlsBeforeItself() {
    EmbeddedChannel ch = channel(ClientTls.ACCEPT);
    ch.writeInbound(request(PgWire.SSL_REQUEST));
    assertThat(oneByte(ch)).isEqualTo("S");
    assertThat(ch.pipeline().first()).isInstanceOf(SslHandler.class);
  }

  @ParameterizedTest
  @EnumSource(ClientTls.class)
  void bytesPipelinedAfterAnSslRequestAreRefusedBeforeAnyAnswer(ClientTls mode) {
    EmbeddedChannel ch = channel(mode);
    // One write: the startup can only have been sent before the client read 'S' or 'N', so it
    // was never inside TLS, whatever the answer would have been.
    ch.writeInbound(Unpooled.wrappedBuffer(request(PgWire.SSL_REQUEST), startup("user", "agent")));

    assertThat(error(ch)).contains("C08P01").contains("unencrypted data after the SSLRequest");
    assertThat((Object) ch.readOutbound()).as("no 'S' or 'N' before or after the error").isNull();
    assertThat((Object) ch.readInbound()).as("no session starts").isNull();
    assertThat(ch.pipeline().get(SslHandler.class)).isNull();
    assertThat(failures("unencrypted_data_after_request")).isEqualTo(1);
  }

  @Test
  void bytesPipelinedAfterAGssEncRequestAreRefusedToo() {
    EmbeddedChannel ch = channel(ClientTls.ACCEPT);
    ch.writeInbound(
        Unpooled.wrappedBuffer(request(PgWire.GSSENC_REQUEST), request(PgWire.SSL_REQUEST)));

    assertThat(error(ch)).contains("C08P01").contains("after the GSSENCRequest");
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(ch.pipeline().get(SslHandler.class)).isNull();
  }

  double failures(String reason) {
    return registry
        .get("keyrelay.postgres.sessions.failed")
        .tag("reason", reason)
        .counter()
        .count();
  }

  @Test
  void directTlsHelloIsHandedToTheTlsHandlerOrRefusedAtOnce() {
    EmbeddedChannel accept = channel(ClientTls.ACCEPT);
    // The start of a 512-byte handshake record: the TLS handler now holds it, waiting for more.
    accept.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 3, 1, 2, 0, 1, 0, 1, (byte) 252}));
    assertThat(accept.pipeline().first()).isInstanceOf(SslHandler.class);
    assertThat(accept.pipeline().names()).contains("startup-tls");

    EmbeddedChannel disable = channel(ClientTls.DISABLE);
    disable.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 3, 1, 0, 5}));
    assertThat((Object) disable.readOutbound()).isNull();
    assertThat(disable.isOpen()).isFalse();
  }

  @Test
  void cancelRequestCarriesTheKey() {
    EmbeddedChannel ch = channel(ClientTls.ACCEPT);
    ch.writeInbound(
        Unpooled.buffer().writeInt(16).writeInt(PgWire.CANCEL_REQUEST).writeInt(42).writeInt(-7));
    assertThat((Object) ch.readInbound()).isEqualTo(new StartupPacket.Cancel(42, -7));
  }

  @Test
  void refusesOversizedGarbageOldProtocolsAndPlainStartupsWhenTlsIsRequired() {
    EmbeddedChannel garbage = channel(ClientTls.ACCEPT);
    garbage.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
    assertThat(error(garbage)).contains("C08P01").contains("invalid startup packet length");

    EmbeddedChannel v2 = channel(ClientTls.ACCEPT);
    v2.writeInbound(Unpooled.buffer().writeInt(8).writeInt(0x20000));
    assertThat(error(v2)).contains("C0A000").contains("unsupported frontend protocol 2.0");

    EmbeddedChannel plain = channel(ClientTls.REQUIRE);
    plain.writeInbound(startup("user", "agent"));
    assertThat(error(plain)).contains("C28000").contains("requires TLS");

    EmbeddedChannel unterminated = channel(ClientTls.ACCEPT);
    unterminated.writeInbound(
        Unpooled.buffer().writeInt(12).writeInt(PgWire.PROTOCOL_3_0).writeInt(0x75736572));
    assertThat(error(unterminated)).contains("C08P01").contains("invalid startup packet");

    assertThat(
            registry
                .get("keyrelay.postgres.sessions.failed")
                .tag("reason", "malformed_startup")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void aSilentClientIsRefusedAfterTheStartupTimeout() {
    EmbeddedChannel ch = channel(ClientTls.ACCEPT);
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(error(ch)).contains("C08P01").contains("no startup message within 2000 ms");
  }
}
