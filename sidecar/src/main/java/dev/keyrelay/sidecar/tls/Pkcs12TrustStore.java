package dev.keyrelay.sidecar.tls;

import java.io.IOException;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertBag;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A PKCS12 trust store that any JVM loads without a password: certificates in plain (unencrypted)
 * bags and no integrity MAC. The JDK's own {@code KeyStore.store} cannot write this form on JDK 17
 * without changing JVM-wide security properties, and with a password a JVM given only {@code
 * -Djavax.net.ssl.trustStore} would skip every certificate. Nothing in it is secret.
 */
final class Pkcs12TrustStore {

  /**
   * The JDK's "trusted key usage" bag attribute: the JDK loads a certificate bag without a private
   * key as a trusted certificate entry only when it carries this attribute.
   */
  private static final ASN1ObjectIdentifier JDK_TRUSTED_KEY_USAGE =
      new ASN1ObjectIdentifier("2.16.840.1.113894.746875.1.1");

  private Pkcs12TrustStore() {}

  /**
   * The DER encoding of a store trusting every certificate in a PEM bundle, with aliases {@code
   * anchor-<i>}; {@code source} names the bundle in errors. The certificates go in as they are,
   * checked by BouncyCastle's ASN.1 parser: parsing each into a JDK certificate first took a tenth
   * of a second of start-up for a distribution's 140 roots.
   *
   * @throws IOException when a certificate block is malformed or there is none
   */
  static byte[] encode(byte[] pemBundle, String source) throws IOException {
    List<byte[]> blocks = Pem.certificateBlocks(pemBundle, source);
    if (blocks.isEmpty()) {
      throw new IOException("no certificate in " + source);
    }
    PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
    for (int i = 0; i < blocks.size(); i++) {
      try {
        Certificate.getInstance(blocks.get(i));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "cannot parse certificate " + (i + 1) + " in " + source + ": " + e.getMessage(), e);
      }
      pfx.addData(bag(blocks.get(i), i));
    }
    try {
      // no MAC calculator and no password: nothing to verify, so no password to know
      return pfx.build(null, null).getEncoded(ASN1Encoding.DER);
    } catch (PKCSException e) {
      throw new IOException("cannot encode the PKCS12 trust store", e);
    }
  }

  /**
   * A certificate bag holding the DER bytes as they came (BouncyCastle's bag builder would encode
   * the parsed certificate again), named {@code anchor-<index>} and trusted for any purpose.
   */
  private static PKCS12SafeBag bag(byte[] der, int index) {
    ASN1EncodableVector attributes = new ASN1EncodableVector(2);
    attributes.add(
        new Attribute(
            PKCSObjectIdentifiers.pkcs_9_at_friendlyName,
            new DERSet(new DERBMPString("anchor-" + index))));
    attributes.add(
        new Attribute(JDK_TRUSTED_KEY_USAGE, new DERSet(KeyPurposeId.anyExtendedKeyUsage.toOID())));
    CertBag certificate =
        new CertBag(PKCSObjectIdentifiers.x509Certificate, new DEROctetString(der));
    return new PKCS12SafeBag(
        new SafeBag(PKCSObjectIdentifiers.certBag, certificate, new DERSet(attributes)));
  }
}
