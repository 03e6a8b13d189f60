package dev.keyrelay.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CONNECT targets, Host headers and absolute-form authorities: what is a host and a port. */
class RequestTargetsTest {

  @ParameterizedTest
  @CsvSource({
    "api.example.com:443, api.example.com, 443",
    "API.Example.COM., api.example.com, 443",
    "localhost:8443, localhost, 8443",
    "a-b.c1.example:65535, a-b.c1.example, 65535",
    "127.0.0.1:1, 127.0.0.1, 1",
    "10.0.0.255, 10.0.0.255, 443",
    "0.0.0.0:80, 0.0.0.0, 80",
    "1e100.net, 1e100.net, 443",
    "0x7f.example, 0x7f.example, 443",
    "[::1]:8443, ::1, 8443",
    "[2001:DB8::7], 2001:db8::7, 443",
    "[::ffff:127.0.0.1]:443, ::ffff:127.0.0.1, 443",
    "[::FFFF:10.0.0.1], ::ffff:10.0.0.1, 443",
    "[::10.0.0.1], ::10.0.0.1, 443",
  })
  void acceptsPlainNamesDottedQuadsAndBracketedIpv6(String authority, String host, int port) {
    assertThat(RequestTargets.parseAuthority(authority, 443))
        .isEqualTo(new RequestTargets.Authority(host, port));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com:+443",
        "example.com:-443",
        "example.com:0443",
        "example.com:00",
        "example.com:0",
        "example.com:",
        "example.com:65536",
        "example.com:4 43",
        "example.com:443:443",
        "example.com:٤٤٣",
      })
  void refusesPortsWithSignsLeadingZerosOrAnythingButDigits(String authority) {
    assertThatThrownBy(() -> RequestTargets.parseAuthority(authority, 443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "user@example.com:443",
        "user:pass@example.com:443",
        "evil.example@api.example.com:443",
        "@api.example.com",
      })
  void refusesUserInformation(String authority) {
    assertThatThrownBy(() -> RequestTargets.parseAuthority(authority, 443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("user information is not allowed in a request target");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0177.0.0.1:443",
        "127.000.0.1",
        "127.0.0.01",
        "0x7f.1:443",
        "0x7f.0.0.1",
        "0x7f000001",
        "2130706433:443",
        "127.1",
        "127.0.1",
        "1.2.3.4.5",
        "256.0.0.1",
        "1.2.3.0x4",
        "017700000001",
        "1.2.3.",
      })
  void refusesNumericHostsThatResolversReadAnotherWay(String authority) {
    assertThatThrownBy(() -> RequestTargets.parseAuthority(authority, 443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numeric host");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":443",
        "exa mple.com",
        "exa_mple.com",
        "example..com",
        ".example.com",
        "-example.com",
        "example-.com",
        "bücher.example",
        "example.com%2f",
        "example.com/",
        "::1",
        "[::1",
        "[not-v6]:443",
        "[fe80::1%25eth0]:443",
        "[::1]443",
        "[::ff:127.0.0.1]",
        "[::ffff:0:127.0.0.1]",
        "[0:0:0:0:0:ffff:127.0.0.1]",
        "[::ffff:0177.0.0.1]",
        "[::ffff:01.2.3.4]",
        "[::0177.0.0.1]",
      })
  void refusesWhatIsNotAHost(String authority) {
    assertThatThrownBy(() -> RequestTargets.parseAuthority(authority, 443))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLongRunOfShortLabelsIsRefusedWithoutOverflowingTheStack() {
    // 5000 labels fit in the 16 KB a CONNECT line may have; the name pattern recursed per label.
    String name = "ab.".repeat(5000) + "example";

    assertThatThrownBy(() -> RequestTargets.parseAuthority(name + ":443", 443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host name longer than 253 characters");
    assertThat(RequestTargets.parseAuthority("a.".repeat(126) + "b.:443", 443).host()).hasSize(253);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://user@example.com/",
        "http://0177.0.0.1/",
        "http://example.com:0080/",
        "http://127.1/x",
      })
  void absoluteFormTargetsFollowTheSameRules(String uri) {
    assertThatThrownBy(() -> RequestTargets.parseAbsolute(uri))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
