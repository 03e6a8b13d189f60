package dev.keyrelay.operator.inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Volume names are DNS labels (63 characters, no dots); longer Secret names get a digest. */
final class VolumeNames {

  private static final int MAX = 63;

  private VolumeNames() {}

  static String of(String prefix, String name) {
    String plain = prefix + name;
    if (plain.length() <= MAX && !name.contains(".")) {
      return plain;
    }
    return prefix + digest(name);
  }

  private static String digest(String name) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }
}
