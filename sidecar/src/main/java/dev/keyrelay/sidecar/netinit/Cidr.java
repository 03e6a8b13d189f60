package dev.keyrelay.sidecar.netinit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range given to {@code --allow-cidr}, in canonical form. Parsed without name
 * resolution: only literal IPv4 and IPv6 addresses are accepted. (Netty's {@code NetUtil} would
 * enumerate the network interfaces first, and the init container's namespace may have none up.)
 *
 * @param address the canonical network address as iptables prints it
 */
public record Cidr(String address, int prefix, boolean ipv6) {

  /** Parses {@code ADDRESS/PREFIX} or a bare address (a single host). */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String literal = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = literalBytes(literal);
    if (bytes == null) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address range");
    }
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (!digits.matches("[0-9]{1,3}") || Integer.parseInt(digits) > bits) {
        throw new IllegalArgumentException(
            "\"" + text + "\": the prefix length must be a number from 0 to " + bits);
      }
      prefix = Integer.parseInt(digits);
    }
    // 10.1.2.3/8 names the same range as 10.0.0.0/8; iptables would silently do the same.
    for (int bit = prefix; bit < bits; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      InetAddress network = InetAddress.getByAddress(bytes);
      String address =
          network instanceof Inet6Address
              ? compressed(network.getHostAddress())
              : network.getHostAddress();
      return new Cidr(address, prefix, bytes.length == 16);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
    }
  }

  /** The address's bytes, or null; never looks a name up. */
  private static byte[] literalBytes(String literal) {
    try {
      if (literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
        for (String octet : literal.split("\\.")) {
          if (Integer.parseInt(octet) > 255) {
            return null;
          }
        }
        return InetAddress.getByName(literal).getAddress();
      }
      // With a colon the JDK parses an IPv6 literal and never resolves it.
      if (literal.contains(":") && literal.matches("[0-9A-Fa-f:.]+")) {
        byte[] bytes = InetAddress.getByName(literal).getAddress();
        return bytes.length == 16 ? bytes : null;
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }

  /** RFC 5952 form: the longest run of two or more zero groups becomes {@code ::}. */
  private static String compressed(String full) {
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < groups.length; ) {
      int j = i;
      while (j < groups.length && groups[j].equals("0")) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    if (bestStart < 0) {
      return full;
    }
    return String.join(":", Arrays.copyOfRange(groups, 0, bestStart))
        + "::"
        + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
  }

  @Override
  public String toString() {
    return address + "/" + prefix;
  }
}
