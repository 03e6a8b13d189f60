package dev.keyrelay.contract;

import io.netty.util.NetUtil;

/**
 * Reads one entry of an egress list, for the sidecar's config loader and the operator's policy
 * check alike, so a policy the operator accepts is one every sidecar loads.
 */
public final class EgressEntries {

  private EgressEntries() {}

  /**
   * {@code localhost:8443}, {@code 10.0.0.5}, {@code [::1]:443}, a bare IPv6 literal, {@code
   * *.example.com[:port]} or a CIDR range such as {@code 10.0.0.0/8}.
   *
   * @throws IllegalArgumentException naming the entry when it is none of these
   */
  public static EgressEntry parse(String text) {
    String t = text.trim();
    if (t.indexOf('/') >= 0) {
      return AddressRange.parse(t);
    }
    if (t.startsWith("*.")) {
      HostMatch domain = HostPorts.parse(t.substring(2), 1);
      if (domain.host().indexOf(':') >= 0
          || domain.host().indexOf('*') >= 0
          || NetUtil.isValidIpV4Address(domain.host())) {
        throw new IllegalArgumentException("\"" + text + "\" must be *. followed by a DNS name");
      }
      return new DomainMatch(domain.host(), domain.port());
    }
    if (t.indexOf('*') >= 0) {
      throw new IllegalArgumentException(
          "\"" + text + "\": '*' is only allowed as a leading \"*.\" label");
    }
    return HostPorts.parse(t, 1);
  }
}
