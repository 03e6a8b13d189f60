package dev.keyrelay.sidecar.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keyrelay.sidecar.audit.AuditLog;
import dev.keyrelay.sidecar.config.HostPort;
import dev.keyrelay.sidecar.config.PostgresListener;
import dev.keyrelay.sidecar.config.PostgresListener.ClientTls;
import dev.keyrelay.sidecar.config.PostgresUpstream;
import dev.keyrelay.sidecar.config.SecretRef;
import dev.keyrelay.sidecar.testing.NettyLeaks;
import dev.keyrelay.sidecar.tls.CertificateAuthority;
import dev.keyrelay.sidecar.tls.LeafCertificateMinter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes {@link StartupDecoder} on an {@link EmbeddedChannel}. The input's first byte picks the
 * listener's {@code clientTls} (its value modulo 3) and how the rest is cut into writes (its value
 * divided by 3: 0 is one write, n is writes of n bytes); the rest is what the client sends. For
 * every input: no exception leaves the decoder, it never holds more than one startup packet's worth
 * of bytes, bytes that arrive with an SSLRequest before its answer are refused, {@code require}
 * never yields a plaintext startup, and the startup timeout ends whatever is left open.
 */
class StartupDecoderFuzzTest {

  private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
  private static final byte[] GSSENC_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x30};
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(2);
  private static final Method INTERNAL_BUFFER;

  static {
    try {
      // Protected in Netty: how many bytes the decoder holds, which is what must stay bounded.
      INTERNAL_BUFFER = ByteToMessageDecoder.class.getDeclaredMethod("internalBuffer");
      INTERNAL_BUFFER.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static ListenerTlsContext clientTls;

  @BeforeAll
  static void prepare() {
    NettyLeaks.track();
    clientTls = new ListenerTlsContext(new LeafCertificateMinter(CertificateAuthority.generate()));
    clientTls.prepare();
  }

  @AfterAll
  static void noLeakedBuffer() {
    NettyLeaks.assertNone();
  }

  @FuzzTest(maxDuration = "10s")
  void clientBytesBeforeTheSession(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    ClientTls mode = ClientTls.values()[(input[0] & 0xff) % 3];
    int writeSize = (input[0] & 0xff) / 3;
    byte[] stream = Arrays.copyOfRange(input, 1, input.length);
    if (writeSize == 0) {
      writeSize = Math.max(1, stream.length);
    }

    Recorder recorder = new Recorder();
    StartupDecoder decoder = new StartupDecoder(listener(mode), services());
    EmbeddedChannel channel = new EmbeddedChannel(decoder, recorder);
    List<byte[]> answers = new ArrayList<>();
    boolean pipelinedSslRequest = false;
    try {
      for (int from = 0; from < stream.length && channel.isOpen(); from += writeSize) {
        int to = Math.min(stream.length, from + writeSize);
        pipelinedSslRequest |= endsSslRequestWithMoreBytes(stream, from, to);
        channel.writeInbound(Unpooled.wrappedBuffer(stream, from, to - from));
        recorder.rethrowUnexpected();
        readAnswers(channel, answers);
        if (channel.pipeline().get(StartupDecoder.class) == decoder) {
          assertThat(((ByteBuf) INTERNAL_BUFFER.invoke(decoder)).readableBytes())
              .as("bytes held by the decoder")
              .isLessThanOrEqualTo(PgWire.MAX_STARTUP_LENGTH);
        }
        if (tlsHandedOver(channel, answers)) {
          break; // what follows is the TLS handler's to read, not the decoder's
        }
      }

      if (pipelinedSslRequest) {
        assertThat(answers).as("an answer to a pipelined SSLRequest").noneMatch(a -> a.length == 1);
        assertThat(recorder.packets).isEmpty();
        assertThat(channel.isOpen()).isFalse();
      }
      assertThat(recorder.packets).hasSizeLessThanOrEqualTo(1);
      if (mode == ClientTls.REQUIRE) {
        assertThat(recorder.packets)
            .noneMatch(p -> p instanceof StartupPacket.Startup startup && !startup.tls());
      }

      channel.advanceTimeBy(STARTUP_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
      recorder.rethrowUnexpected();
      readAnswers(channel, answers);
      boolean ended = !channel.isOpen() || !recorder.packets.isEmpty();
      assertThat(ended || tlsHandedOver(channel, answers))
          .as("a packet, a refusal, a TLS hand-over or the timeout ends every startup")
          .isTrue();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /** True when the write [from, to) completes an SSLRequest at the start and carries more. */
  private static boolean endsSslRequestWithMoreBytes(byte[] stream, int from, int to) {
    for (int start : new int[] {0, 8}) {
      boolean negotiatedBefore = start == 0 || startsWith(stream, 0, GSSENC_REQUEST);
      int end = start + SSL_REQUEST.length;
      boolean sslRequest = negotiatedBefore && startsWith(stream, start, SSL_REQUEST);
      if (sslRequest && from < end && end < to) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] stream, int at, byte[] prefix) {
    return stream.length >= at + prefix.length
        && Arrays.equals(stream, at, at + prefix.length, prefix, 0, prefix.length);
  }

  private static boolean tlsHandedOver(EmbeddedChannel channel, List<byte[]> answers) {
    return channel.pipeline().get("tls") != null
        || answers.stream().anyMatch(a -> a.length == 1 && a[0] == 'S');
  }

  private static void readAnswers(EmbeddedChannel channel, List<byte[]> answers) {
    for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      answers.add(bytes);
    }
  }

  private static PostgresListener listener(ClientTls mode) {
    return new PostgresListener(
        "orders",
        new HostPort("127.0.0.1", 15432),
        new PostgresUpstream("db", 5432, PostgresUpstream.SslMode.DISABLE, null),
        "agent",
        List.of(),
        mode,
        STARTUP_TIMEOUT,
        new SecretRef.Env("PW"));
  }

  private static PostgresServices services() {
    return new PostgresServices(
        null,
        null,
        null,
        null,
        clientTls,
        null,
        new PostgresMetrics(new SimpleMeterRegistry()),
        new AuditLog(),
        new CancelRegistry(),
        new ScramKeys(),
        Duration.ofSeconds(1));
  }

  /**
   * Stands where the session handler is: keeps the packets and the exceptions that reach it. Only
   * the TLS handler's errors about what the client sent inside TLS are expected there.
   */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<StartupPacket> packets = new ArrayList<>();
    private Throwable unexpected;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof StartupPacket packet) {
        packets.add(packet);
      } else {
        // Bytes after the packet, handed on when the decoder removes itself: the session's.
        assertThat(packets).as("bytes handed on only after a packet").isNotEmpty();
        ((ByteBuf) msg).release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!fromTls(cause) && unexpected == null) {
        unexpected = cause;
      }
      ctx.close();
    }

    private static boolean fromTls(Throwable cause) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof SSLException) {
          return true;
        }
      }
      return false;
    }

    void rethrowUnexpected() throws Exception {
      if (unexpected != null) {
        throw new AssertionError("exception out of the startup phase", unexpected);
      }
    }
  }
}
