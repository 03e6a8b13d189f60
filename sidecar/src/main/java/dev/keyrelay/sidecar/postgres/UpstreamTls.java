package dev.keyrelay.sidecar.postgres;

import dev.keyrelay.sidecar.config.PostgresUpstream;
import dev.keyrelay.sidecar.tls.UpstreamTlsContexts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/** Builds the TLS handler for an upstream PostgreSQL server according to its {@code sslMode}. */
final class UpstreamTls {

  private final UpstreamTlsContexts contexts;
  private final SslContext unverified;

  UpstreamTls(UpstreamTlsContexts contexts) {
    this.contexts = contexts;
    try {
      // sslMode require means "encrypt, do not check", exactly like libpq.
      this.unverified =
          SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build an unverified TLS context", e);
    }
  }

  /** The handler for {@code upstream}; never called for {@code disable}. */
  SslHandler newHandler(PostgresUpstream upstream, ByteBufAllocator alloc) {
    return switch (upstream.sslMode()) {
      case DISABLE -> throw new IllegalArgumentException("sslMode disable has no TLS");
      case REQUIRE -> unverified.newHandler(alloc, upstream.host(), upstream.port());
      case VERIFY_FULL ->
          UpstreamTlsContexts.newHandler(
              contexts.forCaFile(upstream.caFile()), alloc, upstream.host(), upstream.port());
      case VERIFY_CA -> {
        SslHandler handler =
            contexts
                .forCaFile(upstream.caFile())
                .newHandler(alloc, upstream.host(), upstream.port());
        SSLParameters parameters = handler.engine().getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(null);
        handler.engine().setSSLParameters(parameters);
        yield handler;
      }
    };
  }
}
