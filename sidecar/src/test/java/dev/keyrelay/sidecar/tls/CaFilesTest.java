package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CaFilesTest {

  private final CertificateAuthority ca = CertificateAuthority.generate();

  @TempDir Path temp;

  @Test
  void writesTheCaCertificateAndABundleOfSystemRootsPlusTheCa() throws Exception {
    Path dir = temp.resolve("shared/ca");

    CaFiles.write(ca, dir);

    assertThat(Pem.readCertificates(CaFiles.caCert(dir))).containsExactly(ca.certificate());
    List<X509Certificate> bundle = Pem.readCertificates(CaFiles.bundle(dir));
    assertThat(bundle).hasSizeGreaterThan(100).contains(ca.certificate());
    assertThat(bundle.get(bundle.size() - 1)).isEqualTo(ca.certificate());
    assertNoPrivateKeyIn(dir);
  }

  @Test
  void fallsBackToTheJdkTrustStoreWithoutAnOsBundle() throws Exception {
    CaFiles.write(ca, temp, List.of(temp.resolve("missing.pem")));

    List<X509Certificate> bundle = Pem.readCertificates(CaFiles.bundle(temp));
    assertThat(bundle).hasSizeGreaterThan(100).contains(ca.certificate());
    assertNoPrivateKeyIn(temp);
  }

  @Test
  void startsTheCaOnANewLineWhenTheOsBundleLacksATrailingNewline() throws Exception {
    CertificateAuthority other = CertificateAuthority.generate();
    Path osBundle = temp.resolve("os.pem");
    Files.writeString(osBundle, other.certificatePem().strip(), StandardCharsets.US_ASCII);
    Path dir = temp.resolve("out");

    CaFiles.write(ca, dir, List.of(temp.resolve("missing.pem"), osBundle));

    assertThat(Pem.readCertificates(CaFiles.bundle(dir)))
        .containsExactly(other.certificate(), ca.certificate());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "AAAA       | true  | cannot parse certificate 2 in ca-bundle.crt",
        "''         | true  | cannot parse certificate 2 in ca-bundle.crt",
        "not*base64 | true  | bad Base64 in a certificate of ca-bundle.crt",
        "AAAA       | false | a certificate in ca-bundle.crt has no END line",
      })
  void aMalformedCertificateInTheOsBundleIsRefusedNamingTheBundle(
      String body, boolean endLine, String message) throws Exception {
    Path osBundle = temp.resolve("os.pem");
    Files.writeString(
        osBundle,
        ca.certificatePem()
            + "-----BEGIN CERTIFICATE-----\n"
            + body
            + (endLine ? "\n-----END CERTIFICATE-----\n" : "\n"),
        StandardCharsets.US_ASCII);
    Path dir = temp.resolve("out");

    assertThatThrownBy(() -> CaFiles.write(ca, dir, List.of(osBundle)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(message);
    assertThat(dir).doesNotExist();
  }

  @Test
  void filesAreWorldReadableAndNoTemporaryFileRemainsAfterARewrite() throws Exception {
    CaFiles.write(ca, temp);
    CertificateAuthority next = CertificateAuthority.generate();

    CaFiles.write(next, temp);

    for (Path file :
        List.of(CaFiles.caCert(temp), CaFiles.bundle(temp), CaFiles.trustStore(temp))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-r--r--");
    }
    assertThat(Pem.readCertificates(CaFiles.caCert(temp))).containsExactly(next.certificate());
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(CaFiles.CA_CERT, CaFiles.BUNDLE, CaFiles.TRUST_STORE);
    }
  }

  @Test
  void trustStoreHoldsTheBundlesRootsAndLoadsWithoutAPassword() throws Exception {
    CaFiles.write(ca, temp);

    List<X509Certificate> bundle = Pem.readCertificates(CaFiles.bundle(temp));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(CaFiles.trustStore(temp))) {
      store.load(in, null);
    }
    List<Certificate> trusted = new ArrayList<>();
    for (String alias : Collections.list(store.aliases())) {
      assertThat(store.isCertificateEntry(alias)).as(alias).isTrue();
      trusted.add(store.getCertificate(alias));
    }
    assertThat(trusted).hasSize(bundle.size()).containsExactlyInAnyOrderElementsOf(bundle);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void trustStoreAlsoLoadsWithAnyPasswordAndAsTheLegacyDefaultType(String type) throws Exception {
    CaFiles.write(ca, temp);

    // Libraries that pass javax.net.ssl.trustStorePassword (often "changeit") still load it, and so
    // does a client that asks for JKS, the default type before Java 9.
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(CaFiles.trustStore(temp))) {
      store.load(in, "changeit".toCharArray());
    }
    assertThat(store.getCertificateAlias(ca.certificate())).isNotNull();
  }

  @Test
  void aJdkTrustManagerFromTheStoreTrustsAMintedLeaf() throws Exception {
    CaFiles.write(ca, temp);
    X509Certificate leaf = new LeafCertificateMinter(ca).mint("api.example.com");

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(CaFiles.trustStore(temp))) {
      store.load(in, null);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];

    trust.checkServerTrusted(new X509Certificate[] {leaf}, "ECDHE_ECDSA");
    X509Certificate stranger =
        new LeafCertificateMinter(CertificateAuthority.generate()).mint("api.example.com");
    assertThatThrownBy(
            () -> trust.checkServerTrusted(new X509Certificate[] {stranger}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  private static void assertNoPrivateKeyIn(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
            .as(file.toString())
            .doesNotContain("PRIVATE KEY");
      }
    }
  }
}
