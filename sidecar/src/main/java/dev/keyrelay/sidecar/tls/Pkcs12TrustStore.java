package dev.keyrelay.sidecar.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

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

  private static final String CERTIFICATE = "CERTIFICATE";

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
    PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
    int anchors = 0;
    try (PemReader pem =
        new PemReader(
            new InputStreamReader(
                new ByteArrayInputStream(pemBundle), StandardCharsets.US_ASCII))) {
      for (PemObject block = pem.readPemObject(); block != null; block = pem.readPemObject()) {
        if (CERTIFICATE.equals(block.getType())) {
          pfx.addData(bag(Certificate.getInstance(block.getContent()), anchors++));
        }
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // BouncyCastle's parsers say what is wrong by these: bad DER, bad Base64, no END line
      throw new IOException("cannot parse certificates in " + source + ": " + e.getMessage(), e);
    }
    if (anchors == 0) {
      throw new IOException("no certificate in " + source);
    }
    try {
      // no MAC calculator and no password: nothing to verify, so no password to know
      return pfx.build(null, null).getEncoded(ASN1Encoding.DER);
    } catch (PKCSException e) {
      throw new IOException("cannot encode the PKCS12 trust store", e);
    }
  }

  private static PKCS12SafeBag bag(Certificate certificate, int index) throws IOException {
    return new PKCS12SafeBagBuilder(certificate)
        .addBagAttribute(
            PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString("anchor-" + index))
        .addBagAttribute(JDK_TRUSTED_KEY_USAGE, KeyPurposeId.anyExtendedKeyUsage.toOID())
        .build();
  }
}
