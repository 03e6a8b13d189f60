package dev.keyrelay.sidecar.tls;

import dev.keyrelay.sidecar.files.FileStamp;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client TLS contexts for the real upstreams: system trust, plus a route's own CA file.
 *
 * <p>A CA file is read when a config naming it is applied ({@link #prepare}) and again whenever
 * {@link #refresh} finds that it changed, so a rotated CA (the kubelet swapping a ConfigMap or
 * Secret volume's files) is trusted by new upstream connections without a restart, and the event
 * loops only look contexts up. A CA file that is missing, unreadable or without a certificate
 * leaves its upstreams unavailable, never trusted by the system roots alone, until it is fixed.
 */
public final class UpstreamTlsContexts {

  static final long HANDSHAKE_TIMEOUT_SECONDS = 10;
  private static final int READ_ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(UpstreamTlsContexts.class);

  /** A CA file as last read: its context or why there is none, and the file's stamp before. */
  private record TrustFile(SslContext context, String problem, FileStamp stamp) {}

  private final X509ExtendedTrustManager systemTrust;
  private final SslContext systemContext;
  private final Map<Path, TrustFile> byCaFile = new ConcurrentHashMap<>();

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
   * certificates in that PEM file (read here if no config named it before).
   *
   * @throws TrustUnavailableException when the CA file is missing or holds no certificate
   */
  public SslContext forCaFile(Path caFileOrNull) {
    if (caFileOrNull == null) {
      return systemContext;
    }
    TrustFile trust =
        byCaFile.computeIfAbsent(caFileOrNull.toAbsolutePath().normalize(), this::read);
    if (trust.context() == null) {
      throw new TrustUnavailableException(trust.problem());
    }
    return trust.context();
  }

  /** Reads the CA files a config names that were not read before; runs off the event loops. */
  public void prepare(Collection<Path> caFiles) {
    for (Path caFile : caFiles) {
      byCaFile.computeIfAbsent(caFile.toAbsolutePath().normalize(), this::read);
    }
  }

  /**
   * Reads again every CA file whose stamp changed since it was read; runs off the event loops.
   * Connections already verified keep going; new ones use the new context.
   *
   * @return the files read again
   */
  public List<Path> refresh() {
    List<Path> changed = new ArrayList<>();
    for (Map.Entry<Path, TrustFile> entry : byCaFile.entrySet()) {
      if (!Objects.equals(FileStamp.ofOrNull(entry.getKey()), entry.getValue().stamp())) {
        TrustFile next = read(entry.getKey());
        byCaFile.put(entry.getKey(), next);
        changed.add(entry.getKey());
        if (next.context() != null) {
          log.info(
              "CA file {} changed; new upstream connections trust what it holds now",
              entry.getKey());
        }
      }
    }
    return changed;
  }

  private TrustFile read(Path caFile) {
    TrustFile trust = readOnce(caFile);
    // A kubelet swap can delete the directory a lookup is walking through; fresh looks settle it.
    for (int attempt = 1; trust.context() == null && attempt < READ_ATTEMPTS; attempt++) {
      trust = readOnce(caFile);
    }
    if (trust.context() == null) {
      log.warn("{}; its upstreams are unavailable until that changes", trust.problem());
    }
    return trust;
  }

  private TrustFile readOnce(Path caFile) {
    // Stamped before reading: a change made during the read is found by the next refresh.
    FileStamp stamp = FileStamp.ofOrNull(caFile);
    if (stamp == null) {
      return new TrustFile(null, "CA file " + caFile + " does not exist", null);
    }
    try {
      X509ExtendedTrustManager extra = TrustManagers.trusting(Pem.readCertificates(caFile));
      return new TrustFile(build(new EitherTrustManager(systemTrust, extra)), null, stamp);
    } catch (IOException | GeneralSecurityException e) {
      return new TrustFile(null, "cannot use CA file " + caFile + ": " + e.getMessage(), stamp);
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
