package dev.keyrelay.sidecar.netinit;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link NetworkPolicy} as {@code iptables-restore} and {@code ip6tables-restore} input.
 *
 * <p>IPv4: the nat table sends the agent's outbound TCP 443 and 80 to the sidecar's transparent
 * listeners; the filter table then lets through loopback, the redirected connections (which still
 * carry the outgoing interface routed before the redirect, so they need a rule of their own), the
 * sidecar's own traffic, replies on connections already accepted, DNS and the allowed ranges and
 * ports, and refuses the rest (TCP with a reset, so a client fails at once instead of timing out).
 * IPv6 gets the same filter without the redirect: there is no transparent listener on IPv6, so the
 * agent's IPv6 egress is refused and clients fall back to IPv4.
 */
public final class IptablesRules {

  private IptablesRules() {}

  public static String ipv4(NetworkPolicy policy) {
    List<String> lines = new ArrayList<>();
    lines.add("*nat");
    lines.add(":OUTPUT ACCEPT [0:0]");
    lines.add("-A OUTPUT -o lo -j RETURN");
    lines.add("-A OUTPUT -m owner --uid-owner " + policy.proxyUid() + " -j RETURN");
    for (Cidr cidr : policy.allowCidrs()) {
      if (!cidr.ipv6()) {
        lines.add("-A OUTPUT -d " + cidr + " -j RETURN");
      }
    }
    lines.add("-A OUTPUT -p tcp --dport 443 -j REDIRECT --to-ports " + policy.httpsPort());
    lines.add("-A OUTPUT -p tcp --dport 80 -j REDIRECT --to-ports " + policy.httpPort());
    lines.add("COMMIT");
    filter(lines, policy, false);
    return String.join("\n", lines) + "\n";
  }

  public static String ipv6(NetworkPolicy policy) {
    List<String> lines = new ArrayList<>();
    filter(lines, policy, true);
    return String.join("\n", lines) + "\n";
  }

  private static void filter(List<String> lines, NetworkPolicy policy, boolean ipv6) {
    lines.add("*filter");
    lines.add(":OUTPUT ACCEPT [0:0]");
    lines.add("-A OUTPUT -o lo -j ACCEPT");
    if (!ipv6) {
      for (int port : List.of(policy.httpsPort(), policy.httpPort())) {
        lines.add("-A OUTPUT -d 127.0.0.1/32 -p tcp --dport " + port + " -j ACCEPT");
      }
    }
    lines.add("-A OUTPUT -m owner --uid-owner " + policy.proxyUid() + " -j ACCEPT");
    lines.add("-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT");
    if (ipv6) {
      // Neighbour discovery is sent by the kernel, with no socket an owner match could see.
      for (String type :
          List.of("neighbour-solicitation", "neighbour-advertisement", "router-solicitation")) {
        lines.add("-A OUTPUT -p ipv6-icmp --icmpv6-type " + type + " -j ACCEPT");
      }
    }
    lines.add("-A OUTPUT -p udp --dport 53 -j ACCEPT");
    lines.add("-A OUTPUT -p tcp --dport 53 -j ACCEPT");
    for (Cidr cidr : policy.allowCidrs()) {
      if (cidr.ipv6() == ipv6) {
        lines.add("-A OUTPUT -d " + cidr + " -j ACCEPT");
      }
    }
    for (int port : policy.allowPorts()) {
      lines.add("-A OUTPUT -p tcp --dport " + port + " -j ACCEPT");
    }
    lines.add("-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset");
    lines.add(
        "-A OUTPUT -j REJECT --reject-with "
            + (ipv6 ? "icmp6-adm-prohibited" : "icmp-admin-prohibited"));
    lines.add("COMMIT");
  }
}
