package dev.keyrelay.operator.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JavaToolOptionsTest {

  @Test
  void namesCoverTheirSubdomainsAndLeadingDotsBecomeWildcards() {
    assertThat(
            JavaToolOptions.nonProxyHosts(
                List.of("Internal.Example.com", ".svc", "*.corp.example", "localhost")))
        .isEqualTo(
            "internal.example.com|*.internal.example.com|*.svc|*.corp.example"
                + "|localhost|*.localhost");
  }

  @Test
  void addressesKeepTheirFormAndPortsAreDropped() {
    assertThat(
            JavaToolOptions.nonProxyHosts(
                List.of(
                    "127.0.0.1", "::1", "[fd00::5]:8080", "registry.local:5000", "10.0.0.7:80")))
        .isEqualTo("127.0.0.1|[::1]|[fd00::5]|registry.local|*.registry.local|10.0.0.7");
  }

  @Test
  void ipv4RangesBecomeOctetWildcardsAndIpv6RangesAreLeftOut() {
    assertThat(
            JavaToolOptions.nonProxyHosts(
                List.of("10.0.0.0/8", "192.168.4.0/24", "10.1.2.3/32", "fd00::/8", "1.2.3.4/33")))
        .isEqualTo("10.*|192.168.4.*|10.1.2.3");
    assertThat(JavaToolOptions.nonProxyHosts(List.of("172.16.0.0/12")).split("\\|"))
        .hasSize(16)
        .startsWith("172.16.*")
        .endsWith("172.31.*");
    assertThat(JavaToolOptions.nonProxyHosts(List.of("*"))).isEqualTo("*");
  }

  @Test
  void duplicatesAndEntriesWithWhitespaceAreDropped() {
    assertThat(JavaToolOptions.nonProxyHosts(List.of(".svc", " .svc ", "two words")))
        .isEqualTo("*.svc");
  }

  @Test
  void theValueSetsBothProxiesTheExclusionsAndThePasswordlessTrustStore() {
    assertThat(JavaToolOptions.value(7000, List.of(".svc")))
        .isEqualTo(
            "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=7000"
                + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=7000"
                + " -Dhttp.nonProxyHosts=*.svc"
                + " -Djavax.net.ssl.trustStore=/var/run/keyrelay/ca-truststore.p12"
                + " -Djavax.net.ssl.trustStoreType=PKCS12");
  }
}
