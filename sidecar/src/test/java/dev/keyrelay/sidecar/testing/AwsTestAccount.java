package dev.keyrelay.sidecar.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of one AWS account, shared by our STS endpoint (which issues temporary ones) and our
 * SigV4-verifying upstream (which checks requests against them).
 */
public final class AwsTestAccount {

  /**
   * One key as IAM knows it.
   *
   * @param sessionToken the token of temporary credentials, else null
   * @param expires when temporary credentials stop working, else null
   */
  public record Key(
      String accessKeyId, String secretAccessKey, String sessionToken, Instant expires) {

    public boolean expired() {
      return expires != null && !Instant.now().isBefore(expires);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Key> keys = new ConcurrentHashMap<>();

  /** A long-term access key (AKIA...). */
  public Key longTermKey() {
    Key key = new Key("AKIA" + random(8).toUpperCase(), random(20), null, null);
    keys.put(key.accessKeyId(), key);
    return key;
  }

  /** Temporary credentials (ASIA...) with a session token, valid for {@code lifetime}. */
  public Key temporaryKey(Duration lifetime) {
    Key key =
        new Key(
            "ASIA" + random(8).toUpperCase(),
            random(20),
            "session-" + random(48),
            Instant.now().plus(lifetime));
    keys.put(key.accessKeyId(), key);
    return key;
  }

  /** The key with this id, or null when IAM does not know it. */
  public Key find(String accessKeyId) {
    return keys.get(accessKeyId);
  }

  /** Every secret access key and session token of the account, to search output for. */
  public Set<String> secrets() {
    Set<String> secrets = ConcurrentHashMap.newKeySet();
    keys.values()
        .forEach(
            k -> {
              secrets.add(k.secretAccessKey());
              if (k.sessionToken() != null) {
                secrets.add(k.sessionToken());
              }
            });
    return Set.copyOf(secrets);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
