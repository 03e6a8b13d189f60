package dev.keyrelay.contract;

import java.net.IDN;
import java.util.Locale;

/** Canonical host names: how routes, egress entries and requests are compared. */
public final class HostNames {

  private HostNames() {}

  /**
   * Lower-cases, drops one trailing dot, converts IDN to ASCII and strips IPv6 brackets.
   *
   * @throws IllegalArgumentException when the host is empty or not a valid host name
   */
  public static String canonical(String host) {
    String h = host.trim();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (h.indexOf(':') >= 0) {
      if (!h.matches("[0-9A-Fa-f:.]+")) {
        throw new IllegalArgumentException("invalid IPv6 literal '" + host + "'");
      }
      return h.toLowerCase(Locale.ROOT);
    }
    String ascii;
    try {
      ascii =
          (isLdhName(h) ? h : IDN.toASCII(h, IDN.USE_STD3_ASCII_RULES)).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid host '" + host + "': " + e.getMessage(), e);
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      throw new IllegalArgumentException("invalid host '" + host + "'");
    }
    return ascii;
  }

  /**
   * Whether every label is 1 to 63 ASCII letters, digits and hyphens, neither first nor last a
   * hyphen: {@link IDN#toASCII} returns such a name unchanged, so it is not asked. Loading its
   * Unicode tables took 40 ms of the sidecar's start-up for its first, plain-ASCII host.
   */
  private static boolean isLdhName(String h) {
    int labelStart = 0;
    for (int i = 0; i <= h.length(); i++) {
      char c = i < h.length() ? h.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0 || length > 63 || h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
