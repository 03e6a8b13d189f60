package dev.keyrelay.sidecar.tls;

import dev.keyrelay.contract.HostNames;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/** Mints short-lived server certificates for intercepted hosts, all sharing one leaf key pair. */
public final class LeafCertificateMinter {

  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration LIFETIME = Duration.ofDays(30);

  /** RFC 5280's upper bound for a common name; longer hosts rely on the SAN alone. */
  private static final int MAX_CN_LENGTH = 64;

  private final CertificateAuthority ca;
  private final Certificates.IssuerKeys issuer;
  private final KeyPair leafKeys;

  public LeafCertificateMinter(CertificateAuthority ca) {
    this.ca = ca;
    try {
      this.issuer = Certificates.IssuerKeys.of(ca.privateKey(), ca.certificate().getPublicKey());
      this.leafKeys = Certificates.newP256KeyPair();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot prepare the leaf key pair: " + e.getMessage(), e);
    }
  }

  /**
   * Mints a certificate for {@code host} (a DNS name or an IP literal), and any {@code otherHosts}
   * as further SANs, signed by the CA.
   *
   * @throws IllegalArgumentException when a host is not a valid host name
   */
  public X509Certificate mint(String host, String... otherHosts) {
    String canonical = HostNames.canonical(host);
    List<GeneralName> names = new ArrayList<>(List.of(altName(canonical)));
    for (String other : otherHosts) {
      names.add(altName(HostNames.canonical(other)));
    }
    try {
      X509Certificate leaf = build(canonical, names.toArray(GeneralName[]::new));
      Certificates.verify(leaf, issuer);
      leaf.checkValidity();
      return leaf;
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(
          "cannot mint a certificate for " + canonical + ": " + e.getMessage(), e);
    }
  }

  private X509Certificate build(String host, GeneralName[] names)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X509Certificate caCert = ca.certificate();
    Instant now = Instant.now();
    Date notAfter = Date.from(now.plus(LIFETIME));
    if (caCert.getNotAfter().before(notAfter)) {
      notAfter = caCert.getNotAfter();
    }
    boolean hasCn = host.length() <= MAX_CN_LENGTH;
    X500Name subject = hasCn ? Certificates.commonName(host) : new X500Name(new RDN[0]);
    var utils = Certificates.extensionUtils();
    var builder =
        new JcaX509v3CertificateBuilder(
                caCert,
                Certificates.randomSerial(),
                Date.from(now.minus(BACKDATE)),
                notAfter,
                subject,
                leafKeys.getPublic())
            // RFC 5280 4.2.1.6: the SAN must be critical when the subject is empty.
            .addExtension(Extension.subjectAlternativeName, !hasCn, new GeneralNames(names))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(
                Extension.authorityKeyIdentifier,
                false,
                utils.createAuthorityKeyIdentifier(caCert.getPublicKey()))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                utils.createSubjectKeyIdentifier(leafKeys.getPublic()));
    return Certificates.sign(builder, issuer);
  }

  private static GeneralName altName(String host) {
    boolean ip = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
  }

  /**
   * A server TLS context presenting a freshly minted certificate for {@code host} and {@code
   * otherHosts}, offering {@code alpn}; for listeners with their own ALPN, such as PostgreSQL's.
   */
  public SslContext serverContext(
      ApplicationProtocolConfig alpn, String host, String... otherHosts) {
    try {
      return SslContextBuilder.forServer(leafKey(), mint(host, otherHosts), ca.certificate())
          // Netty hands the key to OpenSSL through a KeyStore that lives only for this call; the
          // default PKCS12 type protects the key with 10,000 PBKDF2 rounds (about 0.2 s of CPU
          // at start-up for nothing), JKS does not.
          .keyStoreType("JKS")
          .sslProvider(SslProviders.preferred())
          .applicationProtocolConfig(alpn)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException(
          "cannot build the TLS context for " + host + ": " + e.getMessage(), e);
    }
  }

  CertificateAuthority authority() {
    return ca;
  }

  PrivateKey leafKey() {
    return leafKeys.getPrivate();
  }
}
