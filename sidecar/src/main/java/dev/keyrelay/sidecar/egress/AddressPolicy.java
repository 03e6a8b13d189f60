package dev.keyrelay.sidecar.egress;

import static dev.keyrelay.sidecar.egress.DeniedRange.BROADCAST;
import static dev.keyrelay.sidecar.egress.DeniedRange.CARRIER_GRADE_NAT;
import static dev.keyrelay.sidecar.egress.DeniedRange.CLOUD_METADATA;
import static dev.keyrelay.sidecar.egress.DeniedRange.LINK_LOCAL;
import static dev.keyrelay.sidecar.egress.DeniedRange.LOOPBACK;
import static dev.keyrelay.sidecar.egress.DeniedRange.MULTICAST;
import static dev.keyrelay.sidecar.egress.DeniedRange.PRIVATE;
import static dev.keyrelay.sidecar.egress.DeniedRange.RESERVED;
import static dev.keyrelay.sidecar.egress.DeniedRange.SITE_LOCAL;
import static dev.keyrelay.sidecar.egress.DeniedRange.UNIQUE_LOCAL;
import static dev.keyrelay.sidecar.egress.DeniedRange.UNSPECIFIED;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Decides from the raw address bytes whether unmatched traffic may connect to an address; IPv4
 * embedded in IPv6 (mapped, compatible, 6to4, NAT64, Teredo) is judged by the IPv4 rules.
 */
public final class AddressPolicy {

  // Most specific blocks first: the first block containing an address names its range.
  private static final List<Block> IPV4 =
      List.of(
          Block.of("169.254.169.254/32", CLOUD_METADATA),
          Block.of("255.255.255.255/32", BROADCAST),
          Block.of("0.0.0.0/8", UNSPECIFIED),
          Block.of("127.0.0.0/8", LOOPBACK),
          Block.of("10.0.0.0/8", PRIVATE),
          Block.of("172.16.0.0/12", PRIVATE),
          Block.of("192.168.0.0/16", PRIVATE),
          Block.of("100.64.0.0/10", CARRIER_GRADE_NAT),
          Block.of("169.254.0.0/16", LINK_LOCAL),
          Block.of("224.0.0.0/4", MULTICAST),
          Block.of("240.0.0.0/4", RESERVED));

  private static final List<Block> IPV6 =
      List.of(
          Block.of("::/128", UNSPECIFIED),
          Block.of("::1/128", LOOPBACK),
          Block.of("fd00:ec2::254/128", CLOUD_METADATA),
          Block.of("fe80::/10", LINK_LOCAL),
          Block.of("fec0::/10", SITE_LOCAL),
          Block.of("fc00::/7", UNIQUE_LOCAL),
          Block.of("ff00::/8", MULTICAST));

  private static final byte[] MAPPED_PREFIX = bytes("::ffff:0:0");
  private static final byte[] NAT64_WELL_KNOWN = bytes("64:ff9b::");
  private static final byte[] NAT64_LOCAL = bytes("64:ff9b:1::");

  /**
   * Where the IPv4 octets sit under the local-use NAT64 prefix 64:ff9b:1::/48 for each RFC 6052
   * prefix length a network may use inside it (/48, /56, /64, /96). We cannot know which one is in
   * use, so every position must hold an allowed address.
   */
  private static final int[][] NAT64_LOCAL_LAYOUTS = {
    {6, 7, 9, 10}, {7, 9, 10, 11}, {9, 10, 11, 12}, {12, 13, 14, 15}
  };

  private AddressPolicy() {}

  /** Why unmatched traffic may not reach {@code address}, e.g. "loopback"; empty when allowed. */
  public static Optional<String> deniedReason(InetAddress address) {
    return deniedRange(address).map(DeniedRange::reason);
  }

  /** The denied range {@code address} falls in; empty when allowed. */
  public static Optional<DeniedRange> deniedRange(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 4) {
      return firstMatch(IPV4, a);
    }
    Optional<DeniedRange> own = firstMatch(IPV6, a);
    if (own.isPresent()) {
      return own;
    }
    // Unused positions are zero, so an "unspecified" candidate names the reason only as a last
    // resort.
    List<DeniedRange> embedded = new ArrayList<>();
    for (byte[] ipv4 : embeddedIpv4(a)) {
      firstMatch(IPV4, ipv4).ifPresent(embedded::add);
    }
    return embedded.stream()
        .filter(r -> r != UNSPECIFIED)
        .findFirst()
        .or(() -> embedded.stream().findFirst());
  }

  private static Optional<DeniedRange> firstMatch(List<Block> blocks, byte[] address) {
    return blocks.stream().filter(b -> b.contains(address)).map(Block::range).findFirst();
  }

  /** Every IPv4 address the IPv6 address {@code a} may stand for. */
  private static List<byte[]> embeddedIpv4(byte[] a) {
    List<byte[]> found = new ArrayList<>();
    if (startsWith(a, MAPPED_PREFIX, 12)
        || startsWith(a, NAT64_WELL_KNOWN, 12)
        || allZero(a, 0, 12)) {
      found.add(pick(a, 12, 13, 14, 15));
    }
    if (a[0] == 0x20 && a[1] == 0x02) {
      found.add(pick(a, 2, 3, 4, 5));
    }
    if (startsWith(a, NAT64_LOCAL, 6)) {
      for (int[] layout : NAT64_LOCAL_LAYOUTS) {
        found.add(pick(a, layout));
      }
    }
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
      byte[] client = pick(a, 12, 13, 14, 15);
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~client[i];
      }
      found.add(client);
    }
    return found;
  }

  private static byte[] pick(byte[] a, int... indexes) {
    byte[] out = new byte[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      out[i] = a[indexes[i]];
    }
    return out;
  }

  private static boolean startsWith(byte[] a, byte[] prefix, int length) {
    return Arrays.equals(a, 0, length, prefix, 0, length);
  }

  private static boolean allZero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String literal) {
    byte[] b = NetUtil.createByteArrayFromIpAddressString(literal);
    if (b == null) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    return b;
  }

  /** An address prefix (CIDR block) and the range it belongs to. */
  private record Block(byte[] network, int prefixLength, DeniedRange range) {

    static Block of(String cidr, DeniedRange range) {
      int slash = cidr.indexOf('/');
      return new Block(
          bytes(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)), range);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefixLength / 8;
      if (!Arrays.equals(address, 0, whole, network, 0, whole)) {
        return false;
      }
      int rest = prefixLength % 8;
      int mask = (0xff << (8 - rest)) & 0xff;
      return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
    }
  }
}
