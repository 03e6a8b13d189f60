package dev.keyrelay.sidecar.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;

/** The key, serial and signing choices shared by the CA and the leaf minter. */
final class Certificates {

  static final SecureRandom RANDOM = new SecureRandom();

  /*
   * Signatures use BouncyCastle's ECDSA, which signs and verifies P-256 about three times faster
   * than the JDK's (most of the cost of a new host), through its lightweight API: registering BC
   * as a JCA provider took a tenth of a second of start-up.
   */
  private static final AlgorithmIdentifier SHA256_WITH_ECDSA =
      new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
  private static final AlgorithmIdentifier SHA256 =
      new DefaultDigestAlgorithmIdentifierFinder().find(SHA256_WITH_ECDSA);

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

  /**
   * An issuer's keys in the form BouncyCastle's lightweight API takes, converted once: BC keeps its
   * precomputation for a public point on the key object, which a conversion per certificate threw
   * away.
   */
  record IssuerKeys(AsymmetricKeyParameter signing, AsymmetricKeyParameter verifying) {

    static IssuerKeys of(PrivateKey privateKey, PublicKey publicKey) throws IOException {
      return new IssuerKeys(
          PrivateKeyFactory.createKey(privateKey.getEncoded()),
          PublicKeyFactory.createKey(publicKey.getEncoded()));
    }
  }

  static X509Certificate sign(X509v3CertificateBuilder builder, IssuerKeys issuer)
      throws GeneralSecurityException, OperatorCreationException {
    var signer = new BcECContentSignerBuilder(SHA256_WITH_ECDSA, SHA256).build(issuer.signing());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /** Checks that {@code certificate} carries a valid signature by {@code issuer}. */
  static void verify(X509Certificate certificate, IssuerKeys issuer)
      throws GeneralSecurityException, OperatorCreationException {
    var verifiers =
        new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
            .build(issuer.verifying());
    try {
      if (!new JcaX509CertificateHolder(certificate).isSignatureValid(verifiers)) {
        throw new SignatureException("the certificate's signature does not verify");
      }
    } catch (CertException e) {
      throw new SignatureException(e.getMessage(), e);
    }
  }
}
