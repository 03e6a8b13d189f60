package dev.keyrelay.sidecar.postgres;

import com.ongres.scram.common.util.TlsServerEndpoint;
import dev.keyrelay.sidecar.config.PostgresUpstream;
import dev.keyrelay.sidecar.tls.TrustUnavailableException;
import dev.keyrelay.sidecar.transport.RootCause;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The first step on a new upstream connection: SSLRequest and TLS per {@code sslMode}, then the
 * StartupMessage; then it hands over to {@link PgFrameDecoder} and {@link UpstreamAuthHandler}.
 */
final class UpstreamStartHandler extends ChannelInboundHandlerAdapter {

  private final Session session;
  private final Map<String, String> startup;
  private final String password;
  private boolean awaitingSslAnswer;

  UpstreamStartHandler(Session session, Map<String, String> startup, String password) {
    this.session = session;
    this.startup = startup;
    this.password = password;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (session.listener.upstream().sslMode() == PostgresUpstream.SslMode.DISABLE) {
      sendStartup(ctx, null);
    } else {
      awaitingSslAnswer = true;
      ctx.writeAndFlush(PgWire.sslRequest(ctx.alloc()));
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      if (!awaitingSslAnswer || !in.isReadable()) {
        throw new IllegalStateException("unexpected bytes before the startup");
      }
      awaitingSslAnswer = false;
      byte answer = in.readByte();
      if (answer != 'S') {
        session.fail(
            new SessionFailure(
                "upstream_tls_refused",
                SessionFailure.CONNECTION_FAILURE,
                session.describe(
                    "the upstream server does not accept TLS, but sslMode is "
                        + session
                            .listener
                            .upstream()
                            .sslMode()
                            .name()
                            .toLowerCase()
                            .replace('_', '-'))));
        return;
      }
      if (in.isReadable()) {
        // Bytes after 'S' but before the handshake could be injected by a man in the middle.
        session.fail(
            new SessionFailure(
                "upstream_protocol",
                SessionFailure.PROTOCOL_VIOLATION,
                session.describe("the upstream sent data before the TLS handshake")));
        return;
      }
      startTls(ctx);
    } finally {
      in.release();
    }
  }

  private void startTls(ChannelHandlerContext ctx) {
    SslHandler tls;
    try {
      tls = session.services.upstreamTls().newHandler(session.listener.upstream(), ctx.alloc());
    } catch (TrustUnavailableException e) {
      session.fail(
          new SessionFailure(
              "upstream_trust_unavailable",
              SessionFailure.CONNECTION_FAILURE,
              session.describe(e.getMessage())));
      return;
    }
    ctx.pipeline().addFirst("tls", tls);
    tls.handshakeFuture()
        .addListener(
            done -> {
              if (done.isSuccess()) {
                sendStartup(ctx, channelBinding(tls));
              } else {
                session.fail(
                    new SessionFailure(
                        "upstream_tls",
                        SessionFailure.CONNECTION_FAILURE,
                        session.describe(
                            "TLS to the upstream server failed: "
                                + RootCause.message(done.cause()))));
              }
            });
  }

  private void sendStartup(ChannelHandlerContext ctx, byte[] channelBinding) {
    ctx.writeAndFlush(PgWire.startupMessage(ctx.alloc(), startup));
    ctx.pipeline()
        .addAfter(
            ctx.name(),
            UpstreamAuthHandler.NAME,
            new UpstreamAuthHandler(session, password, channelBinding));
    ctx.pipeline().replace(this, "frames", new PgFrameDecoder());
  }

  /** The {@code tls-server-end-point} binding of the upstream's certificate, or null. */
  private static byte[] channelBinding(SslHandler tls) {
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf
          ? TlsServerEndpoint.getChannelBindingData(leaf)
          : null;
    } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
      return null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.upstreamFailed(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    session.upstreamClosed("startup");
  }
}
