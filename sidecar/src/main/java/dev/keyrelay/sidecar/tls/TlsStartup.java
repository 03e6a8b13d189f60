package dev.keyrelay.sidecar.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Does, on threads of its own, the TLS work that no config setting decides: the CA's key and
 * certificate and the CA files on one, loading the native TLS library and reading the JDK's trust
 * store on another. It overlaps starting logging and reading the config, and keeps about 0.3 s off
 * the time to ready on two cores. On one thread this work was the longest path to ready: the main
 * thread waited for it.
 */
public final class TlsStartup {

  /** The CA and the files that publish it, ready to write once the CA directory is known. */
  public record Started(CertificateAuthority ca, CaFiles.Contents caFiles) {}

  private TlsStartup() {}

  /**
   * Begins at once with the CA, which logs nothing; the rest (Netty logs as the native library
   * loads) waits for {@code loggingStarted}, since a log call while SLF4J initialises is queued and
   * replayed with a warning on stderr.
   */
  public static CompletableFuture<Started> begin(CompletableFuture<?> loggingStarted) {
    CompletableFuture<?> providerLoaded =
        loggingStarted.thenRunAsync(
            () -> {
              SslProviders.preferred();
              readSystemTrust();
            },
            thread("keyrelay-tls-provider"));
    CompletableFuture<Started> caReady =
        CompletableFuture.supplyAsync(
            () -> {
              CertificateAuthority ca = CertificateAuthority.generate();
              loggingStarted.join();
              try {
                return new Started(ca, CaFiles.prepare(ca));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            thread("keyrelay-tls-startup"));
    return caReady.thenCombine(providerLoaded, (started, loaded) -> started);
  }

  /** Read here for the upstream contexts, which read it again when this failed. */
  private static void readSystemTrust() {
    try {
      TrustManagers.system();
    } catch (GeneralSecurityException e) {
      // not remembered: the upstream contexts' own read fails the start with this reason
    }
  }

  private static Executor thread(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    };
  }
}
