package dev.keyrelay.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {

  @Test
  void aServiceInANamespaceOfTheLongestAllowedNameGetsItsCertificate() throws Exception {
    // 63 characters is the most a namespace name may have; the DNS name is then 84 long.
    String service = "keyrelay-webhook." + "n".repeat(63) + ".svc";

    ServingCertificate issued =
        CertificateIssuer.issue(List.of(service), Duration.ofDays(1), Instant.now());

    X509Certificate leaf =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(issued.certPem().getBytes(StandardCharsets.US_ASCII)));
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=keyrelay-webhook");
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, service));
  }
}
