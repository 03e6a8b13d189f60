package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class EitherTrustManagerTest {

  private static final String AUTH = "ECDHE_ECDSA";

  private final CertificateAuthority firstCa = CertificateAuthority.generate();
  private final CertificateAuthority secondCa = CertificateAuthority.generate();

  @Test
  void acceptsAChainEitherDelegateAccepts() throws Exception {
    var either =
        new EitherTrustManager(
            TrustManagers.trusting(List.of(firstCa.certificate())),
            TrustManagers.trusting(List.of(secondCa.certificate())));

    assertThatCode(() -> either.checkServerTrusted(chainFrom(firstCa), AUTH))
        .doesNotThrowAnyException();
    assertThatCode(() -> either.checkServerTrusted(chainFrom(secondCa), AUTH))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAChainNeitherAcceptsAndKeepsBothReasons() throws Exception {
    var either =
        new EitherTrustManager(
            TrustManagers.trusting(List.of(firstCa.certificate())),
            TrustManagers.trusting(List.of(secondCa.certificate())));

    assertThatThrownBy(
            () -> either.checkServerTrusted(chainFrom(CertificateAuthority.generate()), AUTH))
        .isInstanceOf(CertificateException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void acceptedIssuersAreTheUnion() throws Exception {
    var either =
        new EitherTrustManager(
            TrustManagers.system(), TrustManagers.trusting(List.of(secondCa.certificate())));

    assertThat(either.getAcceptedIssuers())
        .hasSize(TrustManagers.system().getAcceptedIssuers().length + 1)
        .contains(secondCa.certificate());
  }

  private static X509Certificate[] chainFrom(CertificateAuthority ca) {
    return new X509Certificate[] {new LeafCertificateMinter(ca).mint("a.test"), ca.certificate()};
  }
}
