package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * Client failures that reach the end of the pipeline: classified, counted once, connection closed.
 */
class ClientErrorsTest {

  @Test
  void classifiesWhatAgentsCauseByTheCauseChain() {
    assertThat(
            ClientErrors.kind(new DecoderException(new NotSslRecordException("not an SSL record"))))
        .isEqualTo("not_tls");
    assertThat(
            ClientErrors.kind(new DecoderException(new SSLHandshakeException("bad_certificate"))))
        .isEqualTo("tls_failed");
    assertThat(ClientErrors.kind(new SslHandshakeTimeoutException("timed out")))
        .isEqualTo("tls_handshake_timeout");
    assertThat(ClientErrors.kind(new IOException("Connection reset by peer")))
        .isEqualTo("connection_error");
    assertThat(
            ClientErrors.kind(
                Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "bad frame")))
        .isEqualTo("http2_protocol_error");
    assertThat(ClientErrors.kind(new DecoderException("bad chunk"))).isEqualTo("bad_input");
    assertThat(ClientErrors.kind(new IllegalStateException("bug"))).isEqualTo("unexpected");
  }

  @Test
  void closesTheConnectionAndCountsOneFailurePerConnection() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClientErrors errors = new ClientErrors(new ProxyMetrics(registry));
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelHandlerAdapter() {}, errors);

    // A failed handshake arrives twice: as the handshake event and as the decoder's exception.
    errors.report(channel, new NotSslRecordException("not an SSL record"));
    channel.pipeline().fireExceptionCaught(new DecoderException(new NotSslRecordException("x")));

    assertThat(channel.isOpen()).isFalse();
    assertThat(registry.get("keyrelay.client.errors").tag("kind", "not_tls").counter().count())
        .isEqualTo(1);
    channel.checkException(); // nothing reached the tail
  }
}
