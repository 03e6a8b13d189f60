package dev.keyrelay.sidecar.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The JDK's PKIX trust managers: the default system trust, or trust in given certificates. */
final class TrustManagers {

  private static X509ExtendedTrustManager system;

  private TrustManagers() {}

  /**
   * The JDK's default trust (its cacerts, or whatever javax.net.ssl.trustStore names), read once:
   * {@link TlsStartup} reads it while the config loads, and the upstream contexts find it read.
   */
  static synchronized X509ExtendedTrustManager system() throws GeneralSecurityException {
    if (system == null) {
      system = from(null);
    }
    return system;
  }

  static X509ExtendedTrustManager trusting(List<X509Certificate> anchors)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an empty key store", e);
    }
    for (int i = 0; i < anchors.size(); i++) {
      store.setCertificateEntry("anchor-" + i, anchors.get(i));
    }
    return from(store);
  }

  private static X509ExtendedTrustManager from(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager) {
        return (X509ExtendedTrustManager) manager;
      }
    }
    throw new GeneralSecurityException("no X509ExtendedTrustManager in the default trust factory");
  }
}
