package dev.keyrelay.sidecar.scrub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The byte strings under which a secret comes back when an upstream echoes a request: the value
 * itself and what a server does to it on the way (Base64 at each of the three alignments it can
 * have inside a longer Base64 text, standard and URL-safe; percent-encoding; JSON string escaping),
 * and with basic auth the same for {@code user:secret}, which is what the Authorization header
 * carries.
 */
final class SecretForms {

  // Shorter encoded fragments (a short secret at an awkward Base64 alignment) would match too
  // much innocent text; the value itself is always kept.
  private static final int MIN_ENCODED_LENGTH = 8;
  private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Encoder BASE64_URL = Base64.getUrlEncoder().withoutPadding();

  private SecretForms() {}

  /**
   * The forms, longest first, each at least as long as the secret or {@value #MIN_ENCODED_LENGTH}.
   */
  static List<byte[]> of(String secret, String basicUser) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    forms.add(percentEncoded(secret, "%02X"));
    forms.add(percentEncoded(secret, "%02x"));
    forms.add(jsonEscaped(secret, false));
    forms.add(jsonEscaped(secret, true));
    addBase64(forms, secret);
    if (basicUser != null) {
      addBase64(forms, basicUser + ":" + secret);
    }
    List<byte[]> bytes = new ArrayList<>();
    for (String form : forms) {
      if (form.equals(secret) || form.length() >= MIN_ENCODED_LENGTH) {
        bytes.add(form.getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
    return bytes;
  }

  /**
   * The part of the Base64 text of {@code value} that is the same whatever bytes surround it, for
   * each of the three offsets (mod 3) it can start at: characters that encode only the value's own
   * bits.
   */
  private static void addBase64(Set<String> forms, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (int offset = 0; offset < 3; offset++) {
      byte[] shifted = new byte[offset + bytes.length];
      System.arraycopy(bytes, 0, shifted, offset, bytes.length);
      int from = (8 * offset + 5) / 6;
      int to = 8 * (offset + bytes.length) / 6;
      if (to > from) {
        forms.add(BASE64.encodeToString(shifted).substring(from, to));
        forms.add(BASE64_URL.encodeToString(shifted).substring(from, to));
      }
    }
  }

  private static String percentEncoded(String value, String hex) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(String.format(hex, b & 0xff));
      }
    }
    return out.toString();
  }

  /**
   * As a JSON encoder writes the value inside a string, with or without escaping '/' and non-ASCII.
   */
  private static String jsonEscaped(String value, boolean escapeAll) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '/' && escapeAll) {
        out.append("\\/");
      } else if (c < 0x20 || escapeAll && c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
