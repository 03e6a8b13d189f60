package dev.keyrelay.contract;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 range in CIDR notation, {@code 10.0.0.0/8} or {@code fd00::/8}; every port. */
public record AddressRange(String cidr, byte[] network, int prefix) implements EgressEntry {

  /**
   * @throws IllegalArgumentException when {@code text} is not {@code address/prefix} or has bits
   *     set after the prefix (a typo more often than not)
   */
  public static AddressRange parse(String text) {
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
    return new AddressRange(text, network, prefix);
  }

  @Override
  public boolean matchesAddress(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AddressRange range
        && range.prefix == prefix
        && Arrays.equals(range.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }

  @Override
  public String toString() {
    return cidr;
  }
}
