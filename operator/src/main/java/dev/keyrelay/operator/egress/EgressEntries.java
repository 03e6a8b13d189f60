package dev.keyrelay.operator.egress;

import dev.keyrelay.contract.HostNames;
import io.netty.util.NetUtil;
import java.util.Optional;

/**
 * Checks one egress entry the way the sidecar's config loader reads it: {@code host[:port]}, an IP
 * address ({@code [ipv6][:port]} with a port), {@code *.domain[:port]} or a CIDR range with no
 * address bits after the prefix. {@code EgressEntriesAgreeTest} holds both readers to the same
 * answers.
 */
public final class EgressEntries {

  private EgressEntries() {}

  /** Why the sidecar would refuse {@code text}; empty when it is a valid entry. */
  public static Optional<String> problem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("must not be empty");
    }
    String t = text.trim();
    try {
      if (t.indexOf('/') >= 0) {
        range(t);
      } else if (t.startsWith("*.")) {
        String host = hostAndPort(t.substring(2));
        if (host.indexOf(':') >= 0 || host.indexOf('*') >= 0 || NetUtil.isValidIpV4Address(host)) {
          return Optional.of("\"" + text + "\" must be *. followed by a DNS name");
        }
      } else if (t.indexOf('*') >= 0) {
        return Optional.of("\"" + text + "\": '*' is only allowed as a leading \"*.\" label");
      } else {
        hostAndPort(t);
      }
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  private static void range(String text) {
    int slash = text.indexOf('/');
    String address = text.substring(0, slash);
    byte[] network = NetUtil.createByteArrayFromIpAddressString(address);
    if (network == null || address.contains("%")) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address with a /prefix");
    }
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" has a prefix that is not a number");
    }
    if (prefix < 0 || prefix > network.length * 8) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has a prefix outside 0.." + network.length * 8);
    }
    for (int bit = prefix; bit < network.length * 8; bit++) {
      if ((network[bit / 8] & (0x80 >> (bit % 8))) != 0) {
        throw new IllegalArgumentException(
            "\"" + text + "\" has address bits set after the /" + prefix + " prefix");
      }
    }
  }

  /** The canonical host of {@code host[:port]}, {@code [ipv6][:port]} or a bare IPv6 address. */
  private static String hostAndPort(String t) {
    String host;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("\"" + t + "\" has an unclosed '['");
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("\"" + t + "\" has text after ']' that is no port");
        }
        port = rest.substring(1);
      }
    } else if (t.indexOf(':') != t.lastIndexOf(':')) {
      host = t;
    } else if (t.indexOf(':') >= 0) {
      host = t.substring(0, t.indexOf(':'));
      port = t.substring(t.indexOf(':') + 1);
    } else {
      host = t;
    }
    String canonical = HostNames.canonical(host);
    if (canonical.indexOf(':') >= 0 && !NetUtil.isValidIpV6Address(canonical)) {
      throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv6 address");
    }
    if (port != null) {
      int p;
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port \"" + port + "\" is not a number");
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("port " + p + " is out of range 1..65535");
      }
    }
    return canonical;
  }
}
