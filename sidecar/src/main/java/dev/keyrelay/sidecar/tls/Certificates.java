package dev.keyrelay.sidecar.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** The key, serial and signing choices shared by the CA and the leaf minter. */
final class Certificates {

  static final SecureRandom RANDOM = new SecureRandom();

  /**
   * BouncyCastle's ECDSA signs and verifies P-256 about three times faster than the JDK's, which
   * is most of the cost of a new host. Used directly, never installed as a JVM-wide provider.
   */
  static final Provider BC = new BouncyCastleProvider();

  private Certificates() {}

  static KeyPair newP256KeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  /** A positive 128-bit serial; the top bit is set so every serial has the same length. */
  static BigInteger randomSerial() {
    return new BigInteger(128, RANDOM).setBit(127);
  }

  static X500Name commonName(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
  }

  static JcaX509ExtensionUtils extensionUtils() throws GeneralSecurityException {
    return new JcaX509ExtensionUtils();
  }

  static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(issuerKey)));
  }
}
