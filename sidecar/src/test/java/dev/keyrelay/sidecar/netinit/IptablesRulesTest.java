package dev.keyrelay.sidecar.netinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {

  private static final NetworkPolicy POLICY =
      new NetworkPolicy(
          65532,
          15443,
          15080,
          List.of(
              Cidr.parse("10.96.0.0/12"), Cidr.parse("fd00:10::/64"), Cidr.parse("10.244.0.0/16")),
          List.of(5432));

  @Test
  void ipv4RedirectsWebPortsOfEveryUserButTheProxyAndRefusesTheRest() {
    assertThat(IptablesRules.ipv4(POLICY))
        .isEqualTo(
            """
            *nat
            :OUTPUT ACCEPT [0:0]
            -A OUTPUT -o lo -j RETURN
            -A OUTPUT -m owner --uid-owner 65532 -j RETURN
            -A OUTPUT -d 10.96.0.0/12 -j RETURN
            -A OUTPUT -d 10.244.0.0/16 -j RETURN
            -A OUTPUT -p tcp --dport 443 -j REDIRECT --to-ports 15443
            -A OUTPUT -p tcp --dport 80 -j REDIRECT --to-ports 15080
            COMMIT
            *filter
            :OUTPUT ACCEPT [0:0]
            -A OUTPUT -o lo -j ACCEPT
            -A OUTPUT -d 127.0.0.1/32 -p tcp --dport 15443 -j ACCEPT
            -A OUTPUT -d 127.0.0.1/32 -p tcp --dport 15080 -j ACCEPT
            -A OUTPUT -m owner --uid-owner 65532 -j ACCEPT
            -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
            -A OUTPUT -p udp --dport 53 -j ACCEPT
            -A OUTPUT -p tcp --dport 53 -j ACCEPT
            -A OUTPUT -d 10.96.0.0/12 -j ACCEPT
            -A OUTPUT -d 10.244.0.0/16 -j ACCEPT
            -A OUTPUT -p tcp --dport 5432 -j ACCEPT
            -A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
            -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
            COMMIT
            """);
  }

  @Test
  void ipv6OnlyFiltersSinceNoTransparentListenerServesIt() {
    String rules = IptablesRules.ipv6(POLICY);

    assertThat(rules).doesNotContain("*nat").doesNotContain("REDIRECT").doesNotContain("10.96");
    assertThat(rules)
        .contains("-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -m owner --uid-owner 65532 -j ACCEPT\n")
        .contains("-A OUTPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT\n")
        .contains("-A OUTPUT -d fd00:10::/64 -j ACCEPT\n-A OUTPUT -p tcp --dport 5432 -j ACCEPT\n")
        .endsWith(
            "-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset\n"
                + "-A OUTPUT -j REJECT --reject-with icmp6-adm-prohibited\nCOMMIT\n");
  }

  @Test
  void withNothingAllowedOnlyLoopbackTheProxyRepliesAndDnsPass() {
    String rules = IptablesRules.ipv4(new NetworkPolicy(1000, 16443, 16080, List.of(), List.of()));

    assertThat(rules.lines().filter(line -> line.contains("ACCEPT") && line.startsWith("-A")))
        .containsExactly(
            "-A OUTPUT -o lo -j ACCEPT",
            "-A OUTPUT -d 127.0.0.1/32 -p tcp --dport 16443 -j ACCEPT",
            "-A OUTPUT -d 127.0.0.1/32 -p tcp --dport 16080 -j ACCEPT",
            "-A OUTPUT -m owner --uid-owner 1000 -j ACCEPT",
            "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
            "-A OUTPUT -p udp --dport 53 -j ACCEPT",
            "-A OUTPUT -p tcp --dport 53 -j ACCEPT");
    assertThat(rules)
        .contains("--dport 443 -j REDIRECT --to-ports 16443")
        .contains("--dport 80 -j REDIRECT --to-ports 16080");
  }

  @Test
  void rangesAreCanonicalAndNeverResolved() {
    assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("192.168.1.7")).hasToString("192.168.1.7/32");
    assertThat(Cidr.parse("FD00:0:0::1/48")).hasToString("fd00::/48");
    assertThat(Cidr.parse("0.0.0.0/0").ipv6()).isFalse();
    assertThat(Cidr.parse("::/0")).hasToString("::/0");
    assertThat(Cidr.parse("2001:db8:0:1::/64")).hasToString("2001:db8:0:1::/64");
    for (String bad :
        List.of(
            "example.com/8",
            "10.0.0.0/33",
            "10.0.0.0/",
            "::/129",
            "10.0.0/8",
            "300.1.1.1",
            "fd00::g",
            "1:2:3:4:5:6:7:8:9")) {
      assertThatThrownBy(() -> Cidr.parse(bad)).hasMessageContaining(bad);
    }
  }

  @Test
  void policiesThatWouldLeakAreRefused() {
    assertThatThrownBy(() -> new NetworkPolicy(0, 15443, 15080, List.of(), List.of()))
        .hasMessageContaining("--proxy-uid must not be 0");
    assertThatThrownBy(() -> new NetworkPolicy(1, 15443, 15080, List.of(), List.of(443)))
        .hasMessageContaining("--allow-port 443: that port is redirected");
    assertThatThrownBy(() -> new NetworkPolicy(1, 15443, 15443, List.of(), List.of()))
        .hasMessage("--https-port and --http-port must differ");
  }
}
