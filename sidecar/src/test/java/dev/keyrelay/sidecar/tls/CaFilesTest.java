package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void filesAreWorldReadableAndNoTemporaryFileRemainsAfterARewrite() throws Exception {
    CaFiles.write(ca, temp);
    CertificateAuthority next = CertificateAuthority.generate();

    CaFiles.write(next, temp);

    for (Path file : List.of(CaFiles.caCert(temp), CaFiles.bundle(temp))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-r--r--");
    }
    assertThat(Pem.readCertificates(CaFiles.caCert(temp))).containsExactly(next.certificate());
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(CaFiles.CA_CERT, CaFiles.BUNDLE);
    }
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
