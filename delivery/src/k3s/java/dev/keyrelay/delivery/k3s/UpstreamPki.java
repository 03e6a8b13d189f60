package dev.keyrelay.delivery.k3s;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA and a server certificate for the in-cluster test upstream, as PEM: the route trusts
 * the CA through its upstreamCa, as a route to a real internal API would.
 */
record UpstreamPki(String caPem, String serverCertificatePem, String serverKeyPem) {

  static UpstreamPki forHosts(String... dnsNames) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair ca = generator.generateKeyPair();
    KeyPair server = generator.generateKeyPair();
    X500Name caName = new X500Name("CN=keyrelay k3s test CA");
    Instant now = Instant.now();
    Date from = Date.from(now.minus(Duration.ofHours(1)));
    Date to = Date.from(now.plus(Duration.ofDays(1)));

    X509CertificateHolder caCertificate =
        new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, ca.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
            .build(signer(ca.getPrivate()));
    GeneralName[] names =
        Arrays.stream(dnsNames)
            .map(n -> new GeneralName(GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
    X509CertificateHolder serverCertificate =
        new JcaX509v3CertificateBuilder(
                caName,
                BigInteger.TWO,
                from,
                to,
                new X500Name("CN=" + dnsNames[0]),
                server.getPublic())
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
            .addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
            .build(signer(ca.getPrivate()));
    return new UpstreamPki(
        pem(caCertificate),
        pem(serverCertificate),
        pem(new JcaPKCS8Generator(server.getPrivate(), null)));
  }

  private static ContentSigner signer(PrivateKey key) throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
