package dev.keyrelay.sidecar.tls;

import dev.keyrelay.contract.PodLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the CA certificate, a system-roots-plus-CA bundle and the same roots as a PKCS12 trust
 * store (for JVMs) for the agent containers.
 */
public final class CaFiles {

  public static final String CA_CERT = PodLayout.CA_CERT_FILE;
  public static final String BUNDLE = PodLayout.CA_BUNDLE_FILE;
  public static final String TRUST_STORE = PodLayout.TRUST_STORE_FILE;

  /** Where common distributions keep the bundle that curl, Python and Node read. */
  static final List<Path> OS_BUNDLES =
      List.of(
          Path.of("/etc/ssl/certs/ca-certificates.crt"),
          Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
          Path.of("/etc/ssl/cert.pem"));

  private static final Logger LOG = LoggerFactory.getLogger(CaFiles.class);

  private CaFiles() {}

  public static Path caCert(Path dir) {
    return dir.resolve(CA_CERT);
  }

  public static Path bundle(Path dir) {
    return dir.resolve(BUNDLE);
  }

  public static Path trustStore(Path dir) {
    return dir.resolve(TRUST_STORE);
  }

  /**
   * The three files' bytes. Building them (reading the system roots into the trust store) takes a
   * tenth of a second, so the sidecar does it while its config loads and writes them once it knows
   * the directory.
   */
  public static final class Contents {

    private final byte[] caPem;
    private final byte[] trustStore;
    private final byte[] bundle;

    private Contents(byte[] caPem, byte[] trustStore, byte[] bundle) {
      this.caPem = caPem;
      this.trustStore = trustStore;
      this.bundle = bundle;
    }
  }

  /** The files for {@code ca}, with the roots of the first OS bundle found (else the JDK's). */
  public static Contents prepare(CertificateAuthority ca) throws IOException {
    return prepare(ca, OS_BUNDLES);
  }

  static Contents prepare(CertificateAuthority ca, List<Path> osBundles) throws IOException {
    byte[] caPem = ca.certificatePem().getBytes(StandardCharsets.US_ASCII);
    byte[] bundle = concat(systemRoots(osBundles), caPem);
    return new Contents(caPem, Pkcs12TrustStore.encode(bundle, BUNDLE), bundle);
  }

  /** Prepares and writes the files for {@code ca}; see {@link #write(Contents, Path)}. */
  public static void write(CertificateAuthority ca, Path dir) throws IOException {
    write(prepare(ca), dir);
  }

  static void write(CertificateAuthority ca, Path dir, List<Path> osBundles) throws IOException {
    write(prepare(ca, osBundles), dir);
  }

  /**
   * Writes {@code ca.crt}, {@code ca-truststore.p12} and {@code ca-bundle.crt} into {@code dir},
   * each atomically, mode 0644. The bundle comes last: a container that waits for it (the fallback
   * postStart hook) then finds every file in place.
   */
  public static void write(Contents files, Path dir) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(caCert(dir), files.caPem);
    writeAtomically(trustStore(dir), files.trustStore);
    writeAtomically(bundle(dir), files.bundle);
    LOG.info("wrote {}, {} and {} in {}", CA_CERT, TRUST_STORE, BUNDLE, dir);
  }

  private static byte[] systemRoots(List<Path> osBundles) throws IOException {
    Optional<Path> osBundle = osBundles.stream().filter(Files::isRegularFile).findFirst();
    if (osBundle.isPresent()) {
      LOG.debug("system roots for {} from {}", BUNDLE, osBundle.get());
      return Files.readAllBytes(osBundle.get());
    }
    LOG.info("no OS CA bundle found; {} uses the JDK's default trust store", BUNDLE);
    try {
      return Pem.encode(List.of(TrustManagers.system().getAcceptedIssuers()))
          .getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the JDK's default trust store", e);
    }
  }

  /** Joins two PEM texts, adding a newline so the last line of the first never merges. */
  private static byte[] concat(byte[] roots, byte[] caPem) {
    boolean needsNewline = roots.length > 0 && roots[roots.length - 1] != '\n';
    ByteArrayOutputStream out = new ByteArrayOutputStream(roots.length + caPem.length + 1);
    out.writeBytes(roots);
    if (needsNewline) {
      out.write('\n');
    }
    out.writeBytes(caPem);
    return out.toByteArray();
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
      if (posix != null) {
        posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
