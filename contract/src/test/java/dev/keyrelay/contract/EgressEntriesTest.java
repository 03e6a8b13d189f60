package dev.keyrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EgressEntriesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "API.Example.com.:8443 | api.example.com:8443",
        "*.Example.com         | *.example.com",
        "10.0.0.0/8            | 10.0.0.0/8",
        "[FD00::1]:443         | [fd00::1]:443",
        "fd00::1               | [fd00::1]",
      })
  void eachFormReadsToItsCanonicalEntry(String text, String canonical) {
    assertThat(EgressEntries.parse(text)).hasToString(canonical);
  }

  @Test
  void namesMatchByNameAndRangesByAddress() throws Exception {
    EgressEntry domain = EgressEntries.parse("*.example.com:443");
    EgressEntry range = EgressEntries.parse("10.0.0.0/8");

    assertThat(domain.matchesName("api.example.com", 443)).isTrue();
    assertThat(domain.matchesName("example.com", 443)).isFalse();
    assertThat(domain.matchesName("api.example.com", 80)).isFalse();
    assertThat(range.matchesAddress(InetAddress.getByName("10.2.3.4"))).isTrue();
    assertThat(range.matchesAddress(InetAddress.getByName("11.0.0.1"))).isFalse();
    assertThat(range.matchesName("10.2.3.4", 443)).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1/8          | address bits set after the /8 prefix",
        "api.example.com:0   | port 0 is out of range 1..65535",
        "*.10.0.0.1          | must be *. followed by a DNS name",
        "api.*.example.com   | only allowed as a leading",
        "[fd00::1            | has an unclosed '['",
      })
  void aBadEntryIsRefusedWithItsReason(String text, String reason) {
    assertThatThrownBy(() -> EgressEntries.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void aListenAddressMayAskForAnyFreePort() {
    assertThat(HostPorts.parse("127.0.0.1:0", 0).port()).isZero();
    assertThatThrownBy(() -> HostPorts.parse("127.0.0.1:0", 1))
        .hasMessage("port 0 is out of range 1..65535");
  }
}
