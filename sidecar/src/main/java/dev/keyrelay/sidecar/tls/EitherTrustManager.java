package dev.keyrelay.sidecar.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** Trusts a chain when either of two trust managers does (system roots plus a route's CA file). */
final class EitherTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager first;
  private final X509ExtendedTrustManager second;

  EitherTrustManager(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
    this.first = first;
    this.second = second;
  }

  /** One trust decision, asked of each delegate in turn. */
  @FunctionalInterface
  private interface Check {
    void run(X509ExtendedTrustManager manager) throws CertificateException;
  }

  private void either(Check check) throws CertificateException {
    try {
      check.run(first);
    } catch (CertificateException firstFailure) {
      try {
        check.run(second);
      } catch (CertificateException secondFailure) {
        secondFailure.addSuppressed(firstFailure);
        throw secondFailure;
      }
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    either(m -> m.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    either(m -> m.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    either(m -> m.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    either(m -> m.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    either(m -> m.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    either(m -> m.checkClientTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return Stream.concat(
            Arrays.stream(first.getAcceptedIssuers()), Arrays.stream(second.getAcceptedIssuers()))
        .toArray(X509Certificate[]::new);
  }
}
