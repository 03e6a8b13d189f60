package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  private final CertificateAuthority ca = CertificateAuthority.generate();

  @Test
  void certificateIsASelfSignedP256CaLimitedToLeaves() throws Exception {
    X509Certificate cert = ca.certificate();

    cert.verify(cert.getPublicKey());
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    assertThat(cert.getSubjectX500Principal().getName()).startsWith("CN=keyrelay sidecar CA ");
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getBasicConstraints()).isZero();
    assertThat(cert.getCriticalExtensionOIDs())
        .contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    // keyCertSign is bit 5, cRLSign bit 6; nothing else.
    boolean[] keyUsage = Arrays.copyOf(cert.getKeyUsage(), 9);
    assertThat(keyUsage)
        .containsExactly(false, false, false, false, false, true, true, false, false);
    assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
  }

  @Test
  void isBackdatedAnHourAndValidForAYear() {
    Instant now = Instant.now();
    Instant notBefore = ca.certificate().getNotBefore().toInstant();
    Instant notAfter = ca.certificate().getNotAfter().toInstant();

    assertThat(Duration.between(notBefore, now))
        .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
    assertThat(Duration.between(now, notAfter))
        .isBetween(Duration.ofDays(365).minusMinutes(1), Duration.ofDays(365).plusMinutes(1));
  }

  @Test
  void serialsArePositive128BitAndDiffer() {
    var other = CertificateAuthority.generate();

    assertThat(ca.certificate().getSerialNumber().signum()).isPositive();
    assertThat(ca.certificate().getSerialNumber().bitLength()).isEqualTo(128);
    assertThat(ca.certificate().getSerialNumber())
        .isNotEqualTo(other.certificate().getSerialNumber());
    assertThat(ca.certificate().getPublicKey()).isNotEqualTo(other.certificate().getPublicKey());
  }

  @Test
  void pemDecodesToTheSameCertificateAndHoldsNoKey() throws Exception {
    String pem = ca.certificatePem();

    var decoded =
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    assertThat(decoded).isEqualTo(ca.certificate());
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
  }

  @Test
  void toStringNamesTheSubjectButNotTheKey() {
    String text = ca.toString();

    assertThat(text).contains("keyrelay sidecar CA");
    String scalar = ((ECPrivateKey) ca.privateKey()).getS().toString(16);
    assertThat(text).doesNotContainIgnoringCase(scalar).doesNotContain(ca.privateKey().toString());
    assertThat(CertificateAuthority.class.getMethods())
        .noneMatch(m -> java.security.PrivateKey.class.isAssignableFrom(m.getReturnType()));
  }

  @Test
  void commonNameUsesTheHostnameAndStaysWithinTheX500Limit() {
    assertThat(CertificateAuthority.commonName("agent-7d9f"))
        .matches("keyrelay sidecar CA agent-7d9f [0-9a-f]{8}");
    assertThat(CertificateAuthority.commonName(null)).matches("keyrelay sidecar CA [0-9a-f]{8}");
    assertThat(CertificateAuthority.commonName("x".repeat(63))).hasSize(64);
  }
}
