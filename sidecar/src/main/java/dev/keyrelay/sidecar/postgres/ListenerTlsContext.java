package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.tls.LeafCertificateMinter;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The agent-side TLS of every listener: one certificate from the sidecar CA naming {@code
 * localhost}, {@code 127.0.0.1} and {@code ::1} (clients do not all send SNI), offering ALPN {@code
 * postgresql} as PostgreSQL 17 clients expect.
 */
public final class ListenerTlsContext {

  static final String ALPN = "postgresql";

  private static final ApplicationProtocolConfig POSTGRES_ALPN =
      new ApplicationProtocolConfig(
          Protocol.ALPN,
          SelectorFailureBehavior.NO_ADVERTISE,
          SelectedListenerFailureBehavior.ACCEPT,
          ALPN);

  private final LeafCertificateMinter minter;
  private volatile SslContext context;

  public ListenerTlsContext(LeafCertificateMinter minter) {
    this.minter = minter;
  }

  /**
   * Mints the certificate the first time a listener is bound, so a sidecar without listeners never
   * pays for it at start; call it off the event loops.
   */
  synchronized void prepare() {
    if (context == null) {
      context = minter.serverContext(POSTGRES_ALPN, "localhost", "127.0.0.1", "::1");
    }
  }

  SslHandler newHandler(ByteBufAllocator alloc) {
    return context.newHandler(alloc);
  }
}
