package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

class LeafCertificateMinterTest {

  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private final CertificateAuthority ca = CertificateAuthority.generate();
  private final LeafCertificateMinter minter = new LeafCertificateMinter(ca);

  @Test
  void mintedLeafValidatesAgainstTheCaWithPkix() throws Exception {
    X509Certificate leaf = minter.mint("api.example.test");

    validate(leaf, ca.certificate());
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=api.example.test");
  }

  @Test
  void leafDoesNotValidateAgainstAnotherCa() {
    X509Certificate leaf = minter.mint("api.example.test");
    X509Certificate stranger = CertificateAuthority.generate().certificate();

    assertThatThrownBy(() -> validate(leaf, stranger))
        .isInstanceOf(java.security.cert.CertPathValidatorException.class);
  }

  @Test
  void theSelfCheckAfterSigningRefusesASignatureByAnotherKey() throws Exception {
    X509Certificate leaf = minter.mint("api.example.test");
    CertificateAuthority stranger = CertificateAuthority.generate();
    var strangerKeys =
        Certificates.IssuerKeys.of(stranger.privateKey(), stranger.certificate().getPublicKey());

    var caKeys = Certificates.IssuerKeys.of(ca.privateKey(), ca.certificate().getPublicKey());
    Certificates.verify(leaf, caKeys);
    assertThatThrownBy(() -> Certificates.verify(leaf, strangerKeys))
        .isInstanceOf(java.security.SignatureException.class);
  }

  @Test
  void leafIsAServerAuthP256CertificateNamingTheHost() throws Exception {
    X509Certificate leaf = minter.mint("API.Example.test.");

    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(DNS_NAME, "api.example.test"));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(leaf.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(leaf.getKeyUsage()).containsOnlyOnce(true);
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
  }

  @Test
  void ipLiteralHostsGetAnIpAddressSan() throws Exception {
    assertThat(minter.mint("127.0.0.1").getSubjectAlternativeNames())
        .containsExactly(List.of(IP_ADDRESS, "127.0.0.1"));
    assertThat(minter.mint("[::1]").getSubjectAlternativeNames())
        .containsExactly(List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"));
  }

  @Test
  void hostsLongerThanACommonNameRelyOnACriticalSan() throws Exception {
    String host = "a".repeat(60) + ".example.test";

    X509Certificate leaf = minter.mint(host);

    validate(leaf, ca.certificate());
    assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(DNS_NAME, host));
    assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.subjectAlternativeName.getId());
  }

  @Test
  void leavesShareOneKeyButNotSerials() {
    X509Certificate a = minter.mint("a.test");
    X509Certificate b = minter.mint("b.test");

    assertThat(a.getPublicKey()).isEqualTo(b.getPublicKey());
    assertThat(a.getSerialNumber()).isNotEqualTo(b.getSerialNumber());
    assertThat(minter.leafKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void validityIsBackdatedAnHourAndEndsWithinThirtyDaysAndTheCa() {
    X509Certificate leaf = minter.mint("a.test");
    Instant now = Instant.now();

    assertThat(Duration.between(leaf.getNotBefore().toInstant(), now))
        .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
    assertThat(Duration.between(now, leaf.getNotAfter().toInstant()))
        .isBetween(Duration.ofDays(30).minusMinutes(1), Duration.ofDays(30).plusMinutes(1));
    assertThat(leaf.getNotAfter()).isBeforeOrEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void rejectsInvalidHosts() {
    assertThatThrownBy(() -> minter.mint("bad host")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> minter.mint("")).isInstanceOf(IllegalArgumentException.class);
  }

  private static void validate(X509Certificate leaf, X509Certificate anchor) throws Exception {
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
    var parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(path, parameters);
  }
}
