package dev.keyrelay.operator.webhook;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the self-managed webhook certificate: a fresh CA (its key is dropped after signing, so it
 * can sign nothing else) and a serving certificate for the webhook Service's DNS names.
 */
public final class CertificateIssuer {

  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateIssuer() {}

  /**
   * @param dnsNames the Service names the API server dials, such as {@code svc.ns.svc}
   * @param validity how long both certificates are valid
   */
  public static ServingCertificate issue(List<String> dnsNames, Duration validity, Instant now) {
    try {
      KeyPair caKeys = keyPair();
      KeyPair leafKeys = keyPair();
      Date from = Date.from(now.minus(Duration.ofMinutes(5)));
      Date to = Date.from(now.plus(validity));
      X500Name caName = new X500Name("CN=keyrelay-webhook-ca");
      JcaX509v3CertificateBuilder ca =
          new JcaX509v3CertificateBuilder(caName, serial(), from, to, caName, caKeys.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(ca, caKeys);
      JcaX509v3CertificateBuilder leaf =
          new JcaX509v3CertificateBuilder(
              caName,
              serial(),
              from,
              to,
              // The names are in the SANs; X.509 caps a CN at 64 characters, which a Service's
              // DNS name in a long namespace exceeds, so the CN is its first label only.
              new X500Name("CN=" + dnsNames.get(0).split("\\.", 2)[0]),
              leafKeys.getPublic());
      leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      leaf.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      leaf.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              dnsNames.stream()
                  .map(n -> new GeneralName(GeneralName.dNSName, n))
                  .toArray(GeneralName[]::new)));
      X509Certificate leafCert = sign(leaf, caKeys);
      leafCert.verify(caCert.getPublicKey());
      return new ServingCertificate(
          pem(caCert),
          pem(leafCert),
          pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null)),
          leafCert.getNotAfter().toInstant());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the webhook certificate", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer)
      throws GeneralSecurityException, OperatorCreationException {
    X509CertificateHolder holder =
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
