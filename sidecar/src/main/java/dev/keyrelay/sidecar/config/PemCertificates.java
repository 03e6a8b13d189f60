package dev.keyrelay.sidecar.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

/** Checks that a trust file exists and holds at least one PEM certificate. */
final class PemCertificates {

  private PemCertificates() {}

  /**
   * Checks an upstream's CA file, which may not exist yet: the kubelet fills an optional trust
   * volume once its ConfigMap or Secret exists. Until then the upstream answers that its trust is
   * unavailable, which is not a reason to refuse the whole config.
   *
   * @throws IllegalArgumentException when the file exists and holds no usable certificate
   */
  static Path requireCertificatesIfPresent(Path file) {
    return Files.exists(file) ? requireCertificates(file) : file;
  }

  /**
   * @throws IllegalArgumentException naming what is wrong with the file
   */
  static Path requireCertificates(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " does not exist or is not a regular file");
    }
    int certificates = 0;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        PEMParser pem = new PEMParser(reader)) {
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof X509CertificateHolder) {
          certificates++;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + " is not a readable PEM file");
    }
    if (certificates == 0) {
      throw new IllegalArgumentException(file + " contains no PEM certificate");
    }
    return file;
  }
}
