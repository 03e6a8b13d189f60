package dev.keyrelay.sidecar.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPolicyTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0.0.0.0                 | unspecified
          0.255.255.255           | unspecified
          1.0.0.0                 | allowed
          127.0.0.1               | loopback
          127.255.255.255         | loopback
          126.255.255.255         | allowed
          128.0.0.0               | allowed
          10.0.0.0                | private (RFC 1918)
          10.255.255.255          | private (RFC 1918)
          9.255.255.255           | allowed
          11.0.0.0                | allowed
          172.15.255.255          | allowed
          172.16.0.0              | private (RFC 1918)
          172.31.255.255          | private (RFC 1918)
          172.32.0.0              | allowed
          192.167.255.255         | allowed
          192.168.0.0             | private (RFC 1918)
          192.168.255.255         | private (RFC 1918)
          192.169.0.0             | allowed
          100.63.255.255          | allowed
          100.64.0.0              | carrier-grade NAT
          100.127.255.255         | carrier-grade NAT
          100.128.0.0             | allowed
          169.253.255.255         | allowed
          169.254.0.0             | link-local
          169.254.169.253         | link-local
          169.254.169.254         | cloud metadata
          169.254.255.255         | link-local
          169.255.0.0             | allowed
          223.255.255.255         | allowed
          224.0.0.0               | multicast
          239.255.255.255         | multicast
          240.0.0.0               | reserved
          255.255.255.254         | reserved
          255.255.255.255         | broadcast
          8.8.8.8                 | allowed
          1.1.1.1                 | allowed
          ::                      | unspecified
          ::1                     | loopback
          fe80::1                 | link-local
          febf:ffff::1            | link-local
          fec0::1                 | site-local
          feff:ffff::1            | site-local
          fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | allowed
          fc00::                  | unique-local
          fdff:ffff::1            | unique-local
          fd00:ec2::254           | cloud metadata
          fd00:ec2::253           | unique-local
          feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | site-local
          ff00::                  | multicast
          ff02::1                 | multicast
          2606:4700::1111         | allowed
          2001:4860:4860::8888    | allowed
          ::ffff:127.0.0.1        | loopback
          ::ffff:10.1.2.3         | private (RFC 1918)
          ::ffff:169.254.169.254  | cloud metadata
          ::ffff:8.8.8.8          | allowed
          ::127.0.0.1             | loopback
          ::0.0.0.2               | unspecified
          ::192.168.1.1           | private (RFC 1918)
          ::8.8.8.8               | allowed
          2002:7f00:1::           | loopback
          2002:a9fe:a9fe::1       | cloud metadata
          2002:c0a8:101:1::1      | private (RFC 1918)
          2002:808:808::1         | allowed
          64:ff9b::7f00:1         | loopback
          64:ff9b::a00:1          | private (RFC 1918)
          64:ff9b::6440:1         | carrier-grade NAT
          64:ff9b::808:808        | allowed
          64:ff9b:1::808:808      | unspecified
          # local-use NAT64: the IPv4 may sit in any RFC 6052 position, and each must pass
          64:ff9b:1::7f00:1       | loopback
          64:ff9b:1::a9fe:a9fe    | cloud metadata
          64:ff9b:1:0:7f:0:1:0    | loopback
          64:ff9b:1:a9fe:a9:fe00::| cloud metadata
          2001:0:4136:e378:8000:63bf:80ff:fffe | loopback
          2001:0::f5ff:fffe       | private (RFC 1918)
          2001:0::5601:5601       | cloud metadata
          2001:0:4136:e378:8000:63bf:f7f7:f7f7 | allowed
          """)
  void judgesEveryRangeIncludingEmbeddedIpv4(String literal, String expected) throws Exception {
    for (InetAddress address : forms(literal)) {
      Optional<String> reason = AddressPolicy.deniedReason(address);
      assertThat(reason.orElse("allowed")).as("%s as %s", literal, address).isEqualTo(expected);
    }
  }

  /** The address as Java parses it and, for IPv6 text, forced to stay an Inet6Address. */
  private static List<InetAddress> forms(String literal) throws Exception {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    assertThat(bytes).as("test literal %s", literal).isNotNull();
    List<InetAddress> forms = new ArrayList<>(List.of(InetAddress.getByAddress(bytes)));
    if (bytes.length == 16) {
      forms.add(Inet6Address.getByAddress(null, bytes, -1));
    }
    return forms;
  }
}
