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
      ascii = IDN.toASCII(h, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid host '" + host + "': " + e.getMessage(), e);
    }
    if (ascii.isEmpty() || ascii.length() > 253) {
      throw new IllegalArgumentException("invalid host '" + host + "'");
    }
    return ascii;
  }
}
