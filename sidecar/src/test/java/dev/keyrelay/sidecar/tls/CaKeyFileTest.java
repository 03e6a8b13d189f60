package dev.keyrelay.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keyrelay.sidecar.config.CaSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CaKeyFileTest {

  @TempDir Path dir;

  private final Logger logger = (Logger) LoggerFactory.getLogger(CaKeyFile.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  private static TlsStartup.Started fresh() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate();
    return new TlsStartup.Started(ca, CaFiles.prepare(ca, List.of()));
  }

  private CaSettings settings(Path keyFile) {
    return new CaSettings(dir.resolve("ca"), keyFile);
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void withoutAKeyFileTheFreshCaIsUsedAndNothingIsWritten() throws Exception {
    TlsStartup.Started fresh = fresh();

    assertThat(CaKeyFile.reuseOrStore(settings(null), fresh)).isSameAs(fresh);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void theFirstStartKeepsItsCaOwnerOnlyAndTheNextStartReusesIt() throws Exception {
    Path keyFile = dir.resolve("keep/ca.pem");
    TlsStartup.Started first = fresh();

    assertThat(CaKeyFile.reuseOrStore(settings(keyFile), first)).isSameAs(first);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(keyFile)).contains("BEGIN CERTIFICATE", "BEGIN PRIVATE KEY");
    assertThat(Files.list(keyFile.getParent())).containsExactly(keyFile);

    TlsStartup.Started second = CaKeyFile.reuseOrStore(settings(keyFile), fresh());

    assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
    assertThat(second.ca().privateKey()).isEqualTo(first.ca().privateKey());
    assertThat(warnings()).isEmpty();
    // The reused key still mints leaves that chain to the kept certificate.
    var leaf = new LeafCertificateMinter(second.ca()).mint("api.example");
    leaf.verify(first.ca().certificate().getPublicKey());
  }

  @Test
  void aCorruptFileIsReplacedByTheFreshCaWithAWarning() throws Exception {
    Path keyFile = dir.resolve("ca.pem");
    Files.writeString(keyFile, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");
    TlsStartup.Started fresh = fresh();

    assertThat(CaKeyFile.reuseOrStore(settings(keyFile), fresh)).isSameAs(fresh);

    assertThat(warnings()).singleElement().asString().contains(keyFile + " holds no usable CA");
    assertThat(CaKeyFile.read(keyFile).certificate()).isEqualTo(fresh.ca().certificate());
  }

  @Test
  void aCertificateWithAnotherCasKeyIsRefused() throws Exception {
    Path a = dir.resolve("a.pem");
    Path b = dir.resolve("b.pem");
    CaKeyFile.write(CertificateAuthority.generate(), a);
    CaKeyFile.write(CertificateAuthority.generate(), b);
    String certOfA = Files.readString(a).split("(?=-----BEGIN PRIVATE KEY)")[0];
    String keyOfB = Files.readString(b).split("(?=-----BEGIN PRIVATE KEY)")[1];
    Path mixed = Files.writeString(dir.resolve("mixed.pem"), certOfA + keyOfB);

    assertThatThrownBy(() -> CaKeyFile.read(mixed))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessage("the key does not belong to the certificate");
  }

  @Test
  void aFileWithoutTheKeyIsRefused() throws Exception {
    Path a = dir.resolve("a.pem");
    CaKeyFile.write(CertificateAuthority.generate(), a);
    Path certOnly =
        Files.writeString(
            dir.resolve("cert.pem"), Files.readString(a).split("(?=-----BEGIN PRIVATE KEY)")[0]);

    assertThatThrownBy(() -> CaKeyFile.read(certOnly))
        .hasMessage("it needs one certificate and one private key");
  }

  @Test
  void anUnwritableLocationCostsAWarningNotTheStart() throws Exception {
    Path notADir = Files.writeString(dir.resolve("file"), "x", StandardCharsets.US_ASCII);
    TlsStartup.Started fresh = fresh();

    assertThat(CaKeyFile.reuseOrStore(settings(notADir.resolve("ca.pem")), fresh)).isSameAs(fresh);

    assertThat(warnings()).singleElement().asString().contains("cannot keep the CA in");
  }
}
