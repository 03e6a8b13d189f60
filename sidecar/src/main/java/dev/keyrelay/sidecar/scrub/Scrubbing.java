package dev.keyrelay.sidecar.scrub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Makes the scrubbers for one secret value. Forms are derived once per value and auth and kept: a
 * rotated secret gets new ones; the map is bounded so rotations cannot grow it.
 */
public final class Scrubbing {

  private static final int MAX_CACHED = 256;

  private record Key(String secret, String basicUser) {}

  private final Map<Key, SecretMatcher> matchers = new ConcurrentHashMap<>();

  /**
   * A scrubber for one stream that may echo {@code secret}.
   *
   * @param basicUser the username when the route uses basic auth, else null
   */
  public StreamScrubber newScrubber(String secret, String basicUser) {
    Key key = new Key(Objects.requireNonNull(secret), basicUser);
    SecretMatcher matcher = matchers.get(key);
    if (matcher == null) {
      if (matchers.size() >= MAX_CACHED) {
        matchers.clear();
      }
      matcher =
          matchers.computeIfAbsent(
              key, k -> new SecretMatcher(SecretForms.of(k.secret(), k.basicUser())));
    }
    return new StreamScrubber(matcher);
  }

  static String maskText(SecretMatcher matcher, String text, IntConsumer counted) {
    if (!matcher.mayOccurIn(text)) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    int found = matcher.mask(buf, 0, bytes.length);
    if (found == 0) {
      return text;
    }
    counted.accept(found);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
