package dev.keyrelay.sidecar.postgres;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Salted SCRAM passwords, derived once per (password, salt, iteration count): PBKDF2 with 4096
 * rounds is most of a new session's cost, and a server keeps one salt per role. Entries are keyed
 * by a SHA-256 digest, never by the password itself; a rotated password simply misses.
 */
final class ScramKeys {

  private static final int CAPACITY = 256;

  private final Map<String, byte[]> salted =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > CAPACITY;
        }
      };

  /** The salted password; computes it (CPU-heavy, keep off event loops) when not cached. */
  byte[] saltedPassword(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
    String key = digest(mechanism, password, salt, iterations);
    synchronized (salted) {
      byte[] known = salted.get(key);
      if (known != null) {
        return known;
      }
    }
    byte[] computed =
        ScramFunctions.saltedPassword(
            mechanism,
            StringPreparation.POSTGRESQL_PREPARATION,
            password.toCharArray(),
            salt,
            iterations);
    synchronized (salted) {
      salted.put(key, computed);
    }
    return computed;
  }

  boolean isCached(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
    String key = digest(mechanism, password, salt, iterations);
    synchronized (salted) {
      return salted.containsKey(key);
    }
  }

  private static String digest(
      ScramMechanism mechanism, String password, byte[] salt, int iterations) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(mechanism.getName().getBytes(StandardCharsets.US_ASCII));
      sha.update(ByteBuffer.allocate(4).putInt(iterations).array());
      sha.update(ByteBuffer.allocate(4).putInt(salt.length).array());
      sha.update(salt);
      sha.update(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
