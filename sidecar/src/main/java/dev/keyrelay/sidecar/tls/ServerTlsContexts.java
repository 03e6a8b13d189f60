package dev.keyrelay.sidecar.tls;

import dev.keyrelay.contract.HostNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * The agent-facing TLS of intercepted hosts. One server context serves every host: its key manager
 * presents the certificate minted for the connection's host. Minting is a single ECDSA signature;
 * building a TLS context per host would cost several milliseconds each.
 */
public final class ServerTlsContexts {

  public static final int DEFAULT_CAPACITY = 1024;

  private static final ApplicationProtocolConfig H2_AND_HTTP_1_1 =
      new ApplicationProtocolConfig(
          Protocol.ALPN,
          SelectorFailureBehavior.NO_ADVERTISE,
          SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2,
          ApplicationProtocolNames.HTTP_1_1);

  private final LeafCertificateMinter minter;
  private final CertificateCache certificates;
  private final SslContext context;

  public ServerTlsContexts(
      LeafCertificateMinter minter, Executor executor, MeterRegistry registry, int capacity) {
    this.minter = minter;
    this.certificates = new CertificateCache(this::mintChain, executor, registry, capacity);
    try {
      this.context =
          SslContextBuilder.forServer(
                  new KeyManagerFactoryWrapper(
                      new MintedKeyManager(minter.leafKey(), this::chainForHandshake)))
              .sslProvider(SslProviders.preferred())
              .applicationProtocolConfig(H2_AND_HTTP_1_1)
              .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the server TLS context: " + e.getMessage(), e);
    }
  }

  public ServerTlsContexts(
      LeafCertificateMinter minter, Executor executor, MeterRegistry registry) {
    this(minter, executor, registry, DEFAULT_CAPACITY);
  }

  /**
   * Makes sure a certificate for {@code host} is ready; completes (on the executor when it has to
   * be minted) once a handshake for the host can be served without waiting.
   */
  public CompletableFuture<Void> prepare(String host) {
    try {
      return certificates.chainFor(HostNames.canonical(host)).thenApply(chain -> null);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A server-side TLS handler that presents {@code host}'s certificate; call after prepare. */
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    return context.newHandler(alloc, HostNames.canonical(host), port);
  }

  /** How many hosts have a certificate (or a mint in flight) in the cache. */
  public int size() {
    return certificates.size();
  }

  private X509Certificate[] mintChain(String host) {
    return new X509Certificate[] {minter.mint(host), minter.authority().certificate()};
  }

  /**
   * Called inside a handshake, on an event loop: the prepared chain, or, if the LRU dropped it in
   * the moment since, a fresh one (a signature, no I/O).
   */
  private X509Certificate[] chainForHandshake(String host) {
    X509Certificate[] chain = certificates.readyChain(host);
    return chain != null ? chain : mintChain(host);
  }
}
