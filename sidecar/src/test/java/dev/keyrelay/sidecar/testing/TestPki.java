package dev.keyrelay.sidecar.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A private CA for test upstreams, standing in for an internal PKI the sidecar must trust. */
public final class TestPki {

  private final X509Bundle root;

  private TestPki(X509Bundle root) {
    this.root = root;
  }

  public static TestPki create(String name) throws Exception {
    Instant now = Instant.now();
    X509Bundle root =
        new CertificateBuilder()
            .subject("CN=" + name)
            .notBefore(now.minus(1, ChronoUnit.HOURS))
            .notAfter(now.plus(1, ChronoUnit.DAYS))
            .ecp256()
            .setIsCertificateAuthority(true)
            .buildSelfSigned();
    return new TestPki(root);
  }

  /** A server certificate for localhost and 127.0.0.1, issued by this CA. */
  public X509Bundle serverCertificate() throws Exception {
    return serverCertificate("localhost");
  }

  /** A server certificate for {@code dnsName} and 127.0.0.1, issued by this CA. */
  public X509Bundle serverCertificate(String dnsName) throws Exception {
    return serverCertificate(List.of(dnsName), List.of("127.0.0.1"));
  }

  /** A server certificate for these names and addresses, issued by this CA. */
  public X509Bundle serverCertificate(List<String> dnsNames, List<String> ipAddresses)
      throws Exception {
    Instant now = Instant.now();
    CertificateBuilder builder =
        new CertificateBuilder()
            .subject("CN=" + dnsNames.get(0))
            .notBefore(now.minus(1, ChronoUnit.HOURS))
            .notAfter(now.plus(1, ChronoUnit.DAYS))
            .ecp256()
            .addExtendedKeyUsageServerAuth();
    dnsNames.forEach(builder::addSanDnsName);
    ipAddresses.forEach(builder::addSanIpAddress);
    return builder.buildIssuedBy(root);
  }

  public String caPem() {
    return root.getRootCertificatePEM();
  }

  public Path writeCaPem(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, caPem());
    return file;
  }

  /** The certificate in a PEM file. */
  public static X509Certificate readCertificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  public X509Certificate caCertificate() {
    return root.getRootCertificate();
  }

  /** A server SSLContext presenting {@code bundle}. */
  public static SSLContext serverContext(X509Bundle bundle) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "server", bundle.getKeyPair().getPrivate(), new char[0], bundle.getCertificatePath());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  /** A client SSLContext trusting exactly the given certificates. */
  public static SSLContext trusting(X509Certificate... anchors) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < anchors.length; i++) {
      trust.setCertificateEntry("anchor" + i, anchors[i]);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
