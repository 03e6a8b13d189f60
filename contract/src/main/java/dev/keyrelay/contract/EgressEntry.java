package dev.keyrelay.contract;

import java.net.InetAddress;

/**
 * One entry of an egress list: an exact {@code host[:port]}, a {@code *.domain[:port]} pattern or
 * an address range in CIDR notation. Names match the destination as the agent wrote it; ranges
 * match the addresses it resolves to.
 */
public sealed interface EgressEntry permits HostMatch, DomainMatch, AddressRange {

  /** Whether the destination's canonical name and port match; never for an address range. */
  default boolean matchesName(String canonicalHost, int port) {
    return false;
  }

  /** Whether one resolved address matches; only an address range does. */
  default boolean matchesAddress(InetAddress address) {
    return false;
  }
}
