package dev.keyrelay.sidecar.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM encoding and decoding of certificates (never of keys). */
final class Pem {

  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";

  private Pem() {}

  /**
   * The DER bytes of each {@code CERTIFICATE} block in PEM text, in order, not parsed; other blocks
   * are skipped. The JDK's MIME decoder takes the line breaks. BouncyCastle's PEM reader took 70 ms
   * for a distribution's bundle at start-up, this a tenth of that.
   *
   * @throws IOException naming {@code source} when a block has no END line or bad Base64
   */
  static List<byte[]> certificateBlocks(byte[] pem, String source) throws IOException {
    String text = new String(pem, StandardCharsets.ISO_8859_1);
    List<byte[]> blocks = new ArrayList<>();
    for (int begin = text.indexOf(BEGIN); begin >= 0; begin = text.indexOf(BEGIN, begin + 1)) {
      int end = text.indexOf(END, begin);
      int next = text.indexOf(BEGIN, begin + 1);
      if (end < 0 || next >= 0 && next < end) {
        throw new IOException("a certificate in " + source + " has no END line");
      }
      try {
        blocks.add(Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end)));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "bad Base64 in a certificate of " + source + ": " + e.getMessage(), e);
      }
    }
    return blocks;
  }

  static String encode(Collection<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Reads every certificate in a PEM (or DER) file. */
  static List<X509Certificate> readCertificates(Path file) throws IOException {
    // Read whole: the certificate parser reads a PEM stream a byte at a time, and a file stream
    // makes each byte a system call (a thousand for one CA, on the event loop).
    return readCertificates(Files.readAllBytes(file), file.toString());
  }

  /** Reads every certificate in PEM (or DER) bytes; {@code source} names them in errors. */
  static List<X509Certificate> readCertificates(byte[] content, String source) throws IOException {
    return readCertificates(new ByteArrayInputStream(content), source);
  }

  private static List<X509Certificate> readCertificates(InputStream in, String source)
      throws IOException {
    try {
      List<X509Certificate> certificates = new ArrayList<>();
      for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new IOException("no certificate in " + source);
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IOException("cannot parse certificates in " + source + ": " + e.getMessage(), e);
    }
  }
}
