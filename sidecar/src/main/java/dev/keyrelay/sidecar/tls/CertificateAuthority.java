package dev.keyrelay.sidecar.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The sidecar's per-pod CA: made in memory at start, or reused from {@code ca.keyFile} (see {@link
 * CaKeyFile}), the only place its private key is ever written.
 */
public final class CertificateAuthority {

  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration LIFETIME = Duration.ofDays(365);
  private static final String NAME_PREFIX = "keyrelay sidecar CA ";
  private static final int MAX_CN_LENGTH = 64;

  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /** Generates a new P-256 key pair and a self-signed CA certificate valid for a year. */
  public static CertificateAuthority generate() {
    try {
      KeyPair keys = Certificates.newP256KeyPair();
      Instant now = Instant.now();
      X500Name name = Certificates.commonName(commonName(System.getenv("HOSTNAME")));
      var utils = Certificates.extensionUtils();
      var builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  Certificates.randomSerial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(LIFETIME)),
                  name,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keys.getPublic()));
      Certificates.IssuerKeys issuer =
          Certificates.IssuerKeys.of(keys.getPrivate(), keys.getPublic());
      X509Certificate certificate = Certificates.sign(builder, issuer);
      Certificates.verify(certificate, issuer);
      return new CertificateAuthority(certificate, keys.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate the sidecar CA: " + e.getMessage(), e);
    }
  }

  /** A CA read back from its key file; {@link CaKeyFile} has checked that the two match. */
  static CertificateAuthority of(X509Certificate certificate, PrivateKey privateKey) {
    return new CertificateAuthority(certificate, privateKey);
  }

  /** The pod name when known (helps a human tell CAs apart), always with a random suffix. */
  static String commonName(String hostname) {
    byte[] random = new byte[4];
    Certificates.RANDOM.nextBytes(random);
    String suffix = HexFormat.of().formatHex(random);
    String host = hostname == null ? "" : hostname.strip();
    int room = MAX_CN_LENGTH - NAME_PREFIX.length() - suffix.length() - 1;
    if (host.isEmpty()) {
      return NAME_PREFIX + suffix;
    }
    return NAME_PREFIX + host.substring(0, Math.min(host.length(), room)) + " " + suffix;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.encode(List.of(certificate));
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
