package dev.keyrelay.operator.webhook;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.net.ssl.SSLException;

/**
 * The webhook's TLS material as PEM: the CA the API server trusts ({@code caBundle}) and the
 * serving certificate and key it signed. {@code toString} leaves the key out.
 *
 * @param caPem the CA certificate
 * @param certPem the serving certificate followed by nothing else
 * @param keyPem the serving key (PKCS#8)
 * @param notAfter when the serving certificate expires
 */
public record ServingCertificate(String caPem, String certPem, String keyPem, Instant notAfter) {

  public SslContext toSslContext() {
    try {
      return SslContextBuilder.forServer(
              new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)),
              new ByteArrayInputStream(keyPem.getBytes(StandardCharsets.US_ASCII)))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException(
          "the webhook certificate cannot be used: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ServingCertificate[notAfter=" + notAfter + "]";
  }
}
