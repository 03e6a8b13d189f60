package dev.keyrelay.sidecar.tls;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;

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

  /** The DER encoding of a store trusting {@code anchors}, with aliases {@code anchor-<i>}. */
  static byte[] encode(List<X509Certificate> anchors) throws IOException {
    PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
    try {
      for (int i = 0; i < anchors.size(); i++) {
        PKCS12SafeBag bag =
            new JcaPKCS12SafeBagBuilder(anchors.get(i))
                .addBagAttribute(
                    PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString("anchor-" + i))
                .addBagAttribute(JDK_TRUSTED_KEY_USAGE, KeyPurposeId.anyExtendedKeyUsage.toOID())
                .build();
        pfx.addData(bag);
      }
      // no MAC calculator and no password: nothing to verify, so no password to know
      return pfx.build(null, null).getEncoded(ASN1Encoding.DER);
    } catch (PKCSException e) {
      throw new IOException("cannot encode the PKCS12 trust store", e);
    }
  }
}
