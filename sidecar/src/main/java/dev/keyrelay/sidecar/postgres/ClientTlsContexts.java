package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.tls.LeafCertificateMinter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/**
 * The agent-side TLS of every listener: certificates from the sidecar CA for {@code localhost} (sent
 * as SNI) and {@code 127.0.0.1} (no SNI), offering ALPN {@code postgresql} as PostgreSQL 17 expects.
 */
public final class ClientTlsContexts {

  static final String ALPN = "postgresql";

  private static final ApplicationProtocolConfig POSTGRES_ALPN =
      new ApplicationProtocolConfig(
          Protocol.ALPN,
          SelectorFailureBehavior.NO_ADVERTISE,
          SelectedListenerFailureBehavior.ACCEPT,
          ALPN);

  private final SslContext localhost;
  private final SslContext loopbackIp;

  /** Mints both certificates now; call it off the event loops. */
  public ClientTlsContexts(LeafCertificateMinter minter) {
    this.localhost = minter.serverContext("localhost", POSTGRES_ALPN);
    this.loopbackIp = minter.serverContext("127.0.0.1", POSTGRES_ALPN);
  }

  /** A handler that picks the certificate from the client's SNI and then becomes the TLS handler. */
  SniHandler newHandler() {
    Mapping<String, SslContext> byName =
        name -> "localhost".equalsIgnoreCase(name) ? localhost : loopbackIp;
    return new SniHandler(byName);
  }
}
