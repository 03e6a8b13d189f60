package dev.keyrelay.sidecar.secrets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust in exactly the certificates of a CA file, for stores whose CA is private. */
final class CaTrust {

  private CaTrust() {}

  /**
   * @param field names the setting in the message, e.g. "vault.caFile"
   * @throws IllegalArgumentException when the file cannot be read or holds no usable certificate
   */
  static SSLContext of(Path caFile, String field) {
    // Read whole: the certificate parser reads a stream a byte at a time.
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(caFile))) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          field + " " + caFile + " cannot be used (" + e.getClass().getSimpleName() + ")");
    }
  }
}
