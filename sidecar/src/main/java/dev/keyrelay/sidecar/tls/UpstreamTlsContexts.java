package dev.keyrelay.sidecar.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;

/** Client TLS contexts for the real upstreams: system trust, plus a route's own CA file. */
public final class UpstreamTlsContexts {

  static final long HANDSHAKE_TIMEOUT_SECONDS = 10;

  private final X509ExtendedTrustManager systemTrust;
  private final SslContext systemContext;
  private final Map<Path, SslContext> byCaFile = new ConcurrentHashMap<>();

  public UpstreamTlsContexts() {
    try {
      this.systemTrust = TrustManagers.system();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JDK's default trust store", e);
    }
    this.systemContext = build(systemTrust);
  }

  /**
   * The client context trusting the system roots and, when {@code caFileOrNull} is given, the
   * certificates in that PEM file. Contexts are cached per file.
   *
   * @throws UncheckedIOException when the CA file cannot be read or holds no certificate
   */
  public SslContext forCaFile(Path caFileOrNull) {
    if (caFileOrNull == null) {
      return systemContext;
    }
    return byCaFile.computeIfAbsent(caFileOrNull.toAbsolutePath().normalize(), this::withCaFile);
  }

  private SslContext withCaFile(Path caFile) {
    try {
      X509ExtendedTrustManager extra = TrustManagers.trusting(Pem.readCertificates(caFile));
      return build(new EitherTrustManager(systemTrust, extra));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CA file " + caFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust CA file " + caFile + ": " + e.getMessage(), e);
    }
  }

  private static SslContext build(X509ExtendedTrustManager trust) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProviders.preferred())
          .trustManager(trust)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build an upstream TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * A client handler for {@code host:port} that verifies the certificate names {@code host}, sends
   * SNI for host names (not IP literals), and gives up on a handshake after 10 seconds.
   */
  public static SslHandler newHandler(
      SslContext ctx, ByteBufAllocator alloc, String host, int port) {
    SslHandler handler = ctx.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!isIpLiteral(host)) {
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    engine.setSSLParameters(parameters);
    handler.setHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return handler;
  }

  private static boolean isIpLiteral(String host) {
    return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
  }
}
