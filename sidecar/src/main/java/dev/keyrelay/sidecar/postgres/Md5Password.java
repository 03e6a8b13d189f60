package dev.keyrelay.sidecar.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** PostgreSQL's MD5 password response: {@code "md5" + md5(md5(password + user) + salt)}. */
final class Md5Password {

  private Md5Password() {}

  static String encode(String user, String password, byte[] salt) {
    String inner =
        hex(md5(password.getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8)));
    return "md5" + hex(md5(inner.getBytes(StandardCharsets.US_ASCII), salt));
  }

  private static byte[] md5(byte[] first, byte[] second) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(first);
      md5.update(second);
      return md5.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JDK", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
