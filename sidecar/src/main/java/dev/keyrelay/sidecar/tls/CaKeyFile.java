package dev.keyrelay.sidecar.tls;

import dev.keyrelay.sidecar.config.CaSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the CA's certificate and key in {@code ca.keyFile} (PEM, mode 0600) so that a restarted
 * sidecar serves the same CA and agents that loaded the bundle at start keep trusting it. The
 * injector puts the file in a memory-backed emptyDir mounted into the sidecar only: it outlives the
 * sidecar container, never the pod, and never touches a disk.
 */
public final class CaKeyFile {

  private static final Logger log = LoggerFactory.getLogger(CaKeyFile.class);

  private CaKeyFile() {}

  /**
   * The CA to serve: the one in the key file when it is still usable, else {@code fresh}, which is
   * then written there. A file that is corrupt, expired or not writable costs a warning and a new
   * CA, never the start.
   */
  public static TlsStartup.Started reuseOrStore(CaSettings settings, TlsStartup.Started fresh)
      throws IOException {
    Path file = settings.keyFile();
    if (file == null) {
      return fresh;
    }
    if (Files.exists(file)) {
      try {
        CertificateAuthority kept = read(file);
        log.info("reusing the CA kept in {}", file);
        return new TlsStartup.Started(kept, CaFiles.prepare(kept));
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        log.warn(
            "{} holds no usable CA ({}); a new CA replaces it, so agents must reload {}",
            file,
            e.getMessage(),
            CaFiles.BUNDLE);
      }
    }
    try {
      write(fresh.ca(), file);
    } catch (IOException e) {
      log.warn(
          "cannot keep the CA in {} ({}): the next restart makes a new one", file, e.toString());
    }
    return fresh;
  }

  static CertificateAuthority read(Path file) throws IOException, GeneralSecurityException {
    X509CertificateHolder holder = null;
    PrivateKeyInfo keyInfo = null;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(in)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof X509CertificateHolder h && holder == null) {
          holder = h;
        } else if (o instanceof PrivateKeyInfo k && keyInfo == null) {
          keyInfo = k;
        } else {
          throw new IOException("unexpected PEM entry " + o.getClass().getSimpleName());
        }
      }
    }
    if (holder == null || keyInfo == null) {
      throw new IOException("it needs one certificate and one private key");
    }
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
    PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(keyInfo);
    certificate.checkValidity();
    if (certificate.getBasicConstraints() < 0) {
      throw new GeneralSecurityException("the certificate is not a CA");
    }
    certificate.verify(certificate.getPublicKey());
    requireMatchingKey(certificate, key);
    return CertificateAuthority.of(certificate, key);
  }

  /** Signs with the key and verifies with the certificate: only a matching pair passes. */
  private static void requireMatchingKey(X509Certificate certificate, PrivateKey key)
      throws GeneralSecurityException {
    if (!"EC".equals(key.getAlgorithm())) {
      throw new GeneralSecurityException("the key is not an EC key");
    }
    byte[] probe = new byte[32];
    Certificates.RANDOM.nextBytes(probe);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException("the key does not belong to the certificate");
    }
  }

  /** Atomically, owner-only from the first byte: the temporary file is created 0600. */
  static void write(CertificateAuthority ca, Path file) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(ca.certificate());
      pem.writeObject(new JcaPKCS8Generator(ca.privateKey(), null)); // unencrypted PKCS#8
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir,
            "." + file.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, text.toString(), StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    log.info("kept the CA in {}", file);
  }
}
