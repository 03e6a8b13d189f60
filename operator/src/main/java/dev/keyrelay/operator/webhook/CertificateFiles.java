package dev.keyrelay.operator.webhook;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * A certificate provided from outside (cert-manager writes tls.crt and tls.key into a mounted
 * Secret); re-read when the files change, so renewals need no restart.
 */
final class CertificateFiles implements Supplier<SslContext> {

  private final Path cert;
  private final Path key;
  private FileTime loadedAt;
  private SslContext context;

  CertificateFiles(Path dir) {
    this.cert = dir.resolve("tls.crt");
    this.key = dir.resolve("tls.key");
  }

  @Override
  public synchronized SslContext get() {
    try {
      FileTime modified = Files.getLastModifiedTime(cert);
      if (context == null || !modified.equals(loadedAt)) {
        context = SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
        loadedAt = modified;
      }
      return context;
    } catch (SSLException e) {
      throw new IllegalStateException(cert + " or " + key + " is not usable: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
